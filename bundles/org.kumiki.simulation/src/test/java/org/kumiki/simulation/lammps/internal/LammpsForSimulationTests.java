package org.kumiki.simulation.lammps.internal;

import java.nio.file.Path;

import org.kumiki.simulation.api.spi.SimulationEngine;

/** The real LAMMPS engine, serial unless a spec asks for ranks. */
public final class LammpsForSimulationTests {
    public static final Path LMP = Path.of("/usr/bin/lmp");

    private LammpsForSimulationTests() {
    }

    public static SimulationEngine engine() {
        return new LammpsEngine(LMP, 1, "mpirun");
    }
}
