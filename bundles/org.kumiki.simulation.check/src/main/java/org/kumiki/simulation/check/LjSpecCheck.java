package org.kumiki.simulation.check;

import java.nio.file.Files;
import java.nio.file.Path;

import org.kumiki.simulation.api.dto.SimulationSpec;

/** The checks of a Lennard-Jones spec that every engine makes; throws with one line per failure. */
public final class LjSpecCheck {

    private LjSpecCheck() {
    }

    /**
     * Checks the LJ parameters, run length, neighbour settings, ensemble and the initial state
     * (a data file that exists, or an fcc lattice of at most {@code maxAtoms} atoms).
     *
     * @throws IllegalArgumentException naming the first parameter out of range
     */
    public static void check(SimulationSpec s, long maxAtoms) {
        positive("timestep", s.timestep);
        positive("cutoff", s.cutoff);
        positive("mass", s.mass);
        positive("epsilon", s.epsilon);
        positive("sigma", s.sigma);
        if (!(s.skin >= 0) || !Double.isFinite(s.skin)) {
            throw new IllegalArgumentException("skin must be >= 0: " + s.skin);
        }
        if (s.steps < 0 || s.steps > 1_000_000_000L) {
            throw new IllegalArgumentException("steps must be between 0 and 1e9: " + s.steps);
        }
        if (s.thermoEvery > 0 && s.steps / s.thermoEvery > 1_000_000L) {
            throw new IllegalArgumentException("more than 1,000,000 thermo rows: raise thermoEvery");
        }
        if (s.thermoEvery < 0) {
            throw new IllegalArgumentException("thermoEvery must be >= 0: " + s.thermoEvery);
        }
        if (s.neighborEvery < 1 || s.neighborDelay < 0) {
            throw new IllegalArgumentException("neighborEvery must be >= 1 and neighborDelay >= 0");
        }
        String ens = s.ensemble == null ? SimulationSpec.ENSEMBLE_NVE : s.ensemble;
        if (!ens.equals(SimulationSpec.ENSEMBLE_NVE) && !ens.equals(SimulationSpec.ENSEMBLE_NVT)) {
            throw new IllegalArgumentException("ensemble must be nve or nvt: " + s.ensemble);
        }
        if (ens.equals(SimulationSpec.ENSEMBLE_NVT)) {
            positive("thermostatDamping", s.thermostatDamping);
            positive("targetTemperature", Double.isNaN(s.targetTemperature) ? s.temperature : s.targetTemperature);
        }
        if (s.dataFile != null) {
            if (!Files.isRegularFile(Path.of(s.dataFile))) {
                throw new IllegalArgumentException("data file not found: " + s.dataFile);
            }
            return;
        }
        positive("density", s.density);
        if (!(s.temperature >= 0) || !Double.isFinite(s.temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0: " + s.temperature);
        }
        if (s.cellsX < 1 || s.cellsY < 1 || s.cellsZ < 1) {
            throw new IllegalArgumentException("cells must be >= 1 in each direction");
        }
        long atoms = 4L * s.cellsX * s.cellsY * s.cellsZ;
        if (atoms > maxAtoms) {
            throw new IllegalArgumentException("too many atoms: " + atoms + " (max " + maxAtoms + ")");
        }
        if (s.seed <= 0 || s.seed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seed must be between 1 and 2^31-1: " + s.seed);
        }
    }

    /** Throws unless {@code value} is positive and finite. */
    public static void positive(String what, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be positive and finite: " + value);
        }
    }
}
