package org.kumiki.simulation.md.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine against the real LAMMPS, started from the same LAMMPS data file. */
class LammpsMatchTest {
    @TempDir
    Path dir;

    static final String SETUP = "units lj\natom_style atomic\n";
    static final String PAIR = "mass 1 1.0\npair_style lj/cut 2.5\npair_coeff 1 1 1.0 1.0 2.5\n";

    static void assertDigits(double expected, double actual, int digits, String what) {
        double tol = Math.abs(expected) * Math.pow(10, -digits) * 0.5;
        assertEquals(expected, actual, tol, what + ": " + actual + " vs LAMMPS " + expected);
    }

    static List<double[]> embedded(Path data, MdParameters p) throws Exception {
        Atoms a = DataFile.read(data);
        List<double[]> rows = new ArrayList<>();
        try (MdIntegrator md = new MdIntegrator(a, p)) {
            md.run((step, temp, epair, etotal, press) -> rows.add(new double[] {step, temp, epair, etotal, press}));
        }
        return rows;
    }

    @Test
    void stepZeroOfInLjMatchesLammpsToSixDigits() throws Exception {
        Lammps.require();
        List<double[]> ref = Lammps.run(dir, SETUP + "lattice fcc 0.8442\nregion box block 0 20 0 20 0 20\n"
            + "create_box 1 box\ncreate_atoms 1 box\nmass 1 1.0\nvelocity all create 1.44 87287 loop geom\n"
            + "pair_style lj/cut 2.5\npair_coeff 1 1 1.0 1.0 2.5\nneighbor 0.3 bin\nneigh_modify delay 0 every 20 check no\n"
            + "fix 1 all nve\nthermo_style custom step temp epair etotal press\nthermo_modify format float %20.15g\nrun 0\n");
        Atoms a = Atoms.fcc(0.8442, 20, 20, 20);
        a.createVelocities(1.44, 87287);
        MdParameters p = new MdParameters();
        p.steps = 0;
        List<double[]> rows = new ArrayList<>();
        try (MdIntegrator md = new MdIntegrator(a, p)) {
            md.run((step, temp, epair, etotal, press) -> rows.add(new double[] {step, temp, epair, etotal, press}));
        }
        String[] names = {"step", "temp", "epair", "etotal", "press"};
        for (int c = 1; c < 5; c++) {
            assertDigits(ref.get(0)[c], rows.get(0)[c], 6, names[c]);
        }
    }

    @Test
    void hundredStepsFromTheSameDataFileMatchLammpsToFourDigits() throws Exception {
        Lammps.require();
        // LAMMPS melts a lattice for 50 steps and writes the (off-lattice, wrapped, imaged) state
        Lammps.run(dir, SETUP + "lattice fcc 0.8442\nregion box block 0 10 0 10 0 10\ncreate_box 1 box\n"
            + "create_atoms 1 box\nmass 1 1.0\nvelocity all create 1.44 4928459 loop geom\n" + PAIR
            + "neighbor 0.3 bin\nfix 1 all nve\nrun 50\nwrite_data state.data\n");
        // then both engines run 100 steps from that file
        List<double[]> ref = Lammps.run(dir, SETUP + "pair_style lj/cut 2.5\nread_data state.data\n" + PAIR
            + "neighbor 0.3 bin\nneigh_modify delay 0 every 20 check no\nfix 1 all nve\n"
            + "thermo_style custom step temp epair etotal press\nthermo_modify format float %20.15g\nthermo 10\nrun 100\n");
        MdParameters p = new MdParameters();
        p.neighborEvery = 20;
        p.neighborCheck = false;
        p.thermoEvery = 10;
        p.threads = 2;
        List<double[]> rows = embedded(dir.resolve("state.data"), p);
        assertEquals(11, ref.size());
        assertEquals(ref.size(), rows.size());
        String[] names = {"step", "temp", "epair", "etotal", "press"};
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(ref.get(i)[0], rows.get(i)[0]);
            for (int c = 1; c < 5; c++) {
                assertDigits(ref.get(i)[c], rows.get(i)[c], 4, names[c] + "@" + (long) ref.get(i)[0]);
            }
        }
        // much closer than required in practice: report it
        double worst = 0;
        for (int c = 1; c < 5; c++) {
            worst = Math.max(worst, Math.abs(ref.get(10)[c] - rows.get(10)[c]) / Math.abs(ref.get(10)[c]));
        }
        System.out.println("largest relative difference at step 100: " + worst);
    }

    @Test
    void energyDriftOverTenThousandStepsNoWorseThanLammps() throws Exception {
        Lammps.require();
        // 500 atoms (5x5x5 fcc), T 1.44, dt 0.005, default neighbour rule (every 1, check yes)
        Lammps.run(dir, SETUP + "lattice fcc 0.8442\nregion box block 0 5 0 5 0 5\ncreate_box 1 box\n"
            + "create_atoms 1 box\nmass 1 1.0\nvelocity all create 1.44 87287 loop geom\n" + PAIR
            + "run 0\nwrite_data drift.data\n");
        List<double[]> ref = Lammps.run(dir, SETUP + "pair_style lj/cut 2.5\nread_data drift.data\n" + PAIR
            + "neighbor 0.3 bin\nneigh_modify delay 0 every 1 check yes\nfix 1 all nve\n"
            + "thermo_style custom step temp epair etotal press\nthermo_modify format float %20.15g\nthermo 100\nrun 10000\n");
        MdParameters p = new MdParameters();
        p.steps = 10_000;
        p.thermoEvery = 100;
        p.threads = 1;
        List<double[]> rows = embedded(dir.resolve("drift.data"), p);
        assertEquals(101, rows.size());
        double[] lammps = drift(ref);
        double[] ours = drift(rows);
        System.out.printf("10,000-step energy drift, 500 atoms, dt 0.005: |E_end-E_0| LAMMPS %.3e, md %.3e;"
            + " max|E-E_0| LAMMPS %.3e, md %.3e; fitted slope per 1000 steps LAMMPS %.3e, md %.3e%n",
            lammps[0], ours[0], lammps[1], ours[1], lammps[2], ours[2]);
        // the two trajectories diverge (chaos) after a few hundred steps, so the drifts are
        // compared as statistics: the fitted drift and the largest deviation may exceed
        // LAMMPS's by no more than the deviation's own sampling noise (a factor of 2).
        assertTrue(Math.abs(ours[2]) <= Math.max(2 * Math.abs(lammps[2]), 1e-5),
            "fitted drift " + ours[2] + " vs LAMMPS " + lammps[2]);
        assertTrue(ours[1] <= Math.max(2 * lammps[1], 1e-4), "max deviation " + ours[1] + " vs LAMMPS " + lammps[1]);
    }

    /** {|E_end - E_0|, max |E - E_0|, least-squares slope of E per 1000 steps} of etotal (column 3). */
    static double[] drift(List<double[]> rows) {
        double e0 = rows.get(0)[3];
        double max = 0;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] r : rows) {
            max = Math.max(max, Math.abs(r[3] - e0));
            double t = r[0] / 1000.0;
            sx += t;
            sy += r[3];
            sxx += t * t;
            sxy += t * r[3];
        }
        int n = rows.size();
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {Math.abs(rows.get(n - 1)[3] - e0), max, slope};
    }
}
