package org.kumiki.simulation.md.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * LAMMPS bench/in.lj without LAMMPS: the lattice and LAMMPS's own velocity generator
 * (loop geom) reproduce its thermo. Reference figures: Debian LAMMPS 29 Sep 2021, this machine.
 */
class InLjTest {

    static List<double[]> run(int threads, long steps) throws Exception {
        Atoms a = Atoms.fcc(0.8442, 20, 20, 20);
        a.createVelocities(1.44, 87287);
        MdParameters p = new MdParameters();
        p.neighborEvery = 20;
        p.neighborCheck = false;
        p.steps = steps;
        p.threads = threads;
        List<double[]> rows = new ArrayList<>();
        try (MdIntegrator md = new MdIntegrator(a, p)) {
            md.run((step, temp, epair, etotal, press) -> rows.add(new double[] {step, temp, epair, etotal, press}));
            System.out.printf("threads %d: loop %.3f s, %.3g atom-steps/s, builds %d%n", md.threads(), md.loopSeconds(),
                a.n * (double) steps / md.loopSeconds(), md.neighborBuilds());
        }
        return rows;
    }

    static void assertDigits(double expected, double actual, int digits, String what) {
        double tol = Math.abs(expected) * Math.pow(10, -digits) * 0.5;
        assertEquals(expected, actual, tol, what + ": " + actual + " vs LAMMPS " + expected);
    }

    @Test
    void stepZeroAndHundredMatchLammps() throws Exception {
        List<double[]> rows = run(1, 100);
        double[] r0 = rows.get(0);
        assertDigits(1.44, r0[1], 6, "temp@0");
        assertDigits(-6.7733681, r0[2], 6, "epair@0");
        assertDigits(-4.6134356, r0[3], 6, "etotal@0");
        assertDigits(-5.0197073, r0[4], 6, "press@0");
        double[] r1 = rows.get(rows.size() - 1);
        assertEquals(100, (long) r1[0]);
        assertDigits(0.7574531, r1[1], 4, "temp@100");
        assertDigits(-5.7585055, r1[2], 4, "epair@100");
        assertDigits(-4.6223613, r1[3], 4, "etotal@100");
        assertDigits(0.20726105, r1[4], 4, "press@100");
        for (double[] r : rows) {
            System.out.println(java.util.Arrays.toString(r));
        }
    }

    @Test
    void twoThreadsGiveTheSameThermo() throws Exception {
        List<double[]> one = run(1, 20);
        List<double[]> two = run(2, 20);
        for (int i = 0; i < one.size(); i++) {
            for (int c = 1; c < 5; c++) {
                assertDigits(one.get(i)[c], two.get(i)[c], 10, "column " + c);
            }
        }
    }
}
