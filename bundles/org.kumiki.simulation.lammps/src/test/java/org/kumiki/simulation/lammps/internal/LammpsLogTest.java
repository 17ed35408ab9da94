package org.kumiki.simulation.lammps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LammpsLogTest {

    static LammpsLog parse(String text) {
        LammpsLog log = new LammpsLog();
        text.lines().forEach(log::line);
        return log;
    }

    @Test
    void parsesInLjOutput() {
        LammpsLog log = parse("LAMMPS (29 Sep 2021 - Update 2)\nWARNING: something odd (src/x.cpp:1)\n"
            + "Step Temp E_pair E_mol TotEng Press \n       0         1.44   -6.7733681            0   -4.6134356   -5.0197073 \n"
            + "     100    0.7574531   -5.7585055            0   -4.6223613   0.20726105 \n"
            + "Loop time of 1.49801 on 1 procs for 100 steps with 32000 atoms\n\n"
            + "Performance: 28838.345 tau/day, 66.755 timesteps/s\n99.7% CPU use with 1 MPI tasks x 1 OpenMP threads\n"
            + "Dangerous builds not checked\nTotal wall time: 0:00:01\n");
        assertEquals("LAMMPS (29 Sep 2021 - Update 2)", log.version);
        assertEquals(2, log.thermo.size());
        assertEquals(100, log.thermo.get(1).step);
        assertEquals(0.7574531, log.thermo.get(1).temperature);
        assertEquals(-5.7585055, log.thermo.get(1).pairEnergy);
        assertEquals(-4.6223613, log.thermo.get(1).totalEnergy);
        assertEquals(0.20726105, log.thermo.get(1).pressure);
        assertEquals(1.49801, log.loopSeconds);
        assertEquals(32000, log.atoms);
        assertEquals(100, log.steps);
        assertEquals("Performance: 28838.345 tau/day, 66.755 timesteps/s", log.performance);
        assertEquals(1, log.warnings.size());
        assertNull(log.error);
        assertEquals(-1, log.firstNonFiniteStep);
    }

    @Test
    void customColumnsMissingColumnsAndTwoRuns() {
        LammpsLog log = parse("Step Press Temp\n0 1.5 2.0\n10 1.6 2.1\nLoop time of 0.1 on 1 procs for 10 steps with 10 atoms\n"
            + "Step Press Temp\n10 1.6 2.1\n20 1.7 2.2\nLoop time of 0.1 on 1 procs for 10 steps with 10 atoms\n");
        assertEquals(3, log.thermo.size());
        assertEquals(1.7, log.thermo.get(2).pressure);
        assertTrue(Double.isNaN(log.thermo.get(2).totalEnergy));
        assertEquals(20, log.steps);
        assertEquals(-1, log.firstNonFiniteStep);
    }

    @Test
    void nanRowsErrorsAndHostileLines() {
        LammpsLog log = parse("Step Temp E_pair E_mol TotEng Press\n0 1.44 -6.7 0 -4.6 -5.0\n"
            + "50 -nan nan 0 inf -inf\nsome text with five words here\n1e999999 x y z w v\n"
            + "ERROR: Lost atoms: original 32000 current 31990 (src/thermo.cpp:487)\nERROR: second\n");
        assertEquals(50, log.firstNonFiniteStep);
        assertEquals("ERROR: Lost atoms: original 32000 current 31990 (src/thermo.cpp:487)", log.error);
        assertEquals(2, log.thermo.size());
        LammpsLog empty = parse("\n\n   \nLoop time of garbage\nPerformance:\n");
        assertEquals(0, empty.thermo.size());
        assertEquals(0, empty.steps);
    }
}
