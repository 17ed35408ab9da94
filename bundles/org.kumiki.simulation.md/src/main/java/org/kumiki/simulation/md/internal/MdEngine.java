package org.kumiki.simulation.md.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.check.LjSpecCheck;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.kumiki.simulation.api.spi.SimulationFailedException;
import org.osgi.service.component.annotations.Component;

/** The embedded Lennard-Jones engine, {@code md}. */
@Component(service = SimulationEngine.class, property = SimulationEngine.ENGINE_NAME + "=" + MdEngine.NAME)
public class MdEngine implements SimulationEngine {
    public static final String NAME = "md";
    /** Largest system accepted (atoms). */
    static final long MAX_ATOMS = 50_000_000L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> models() {
        return Set.of(SimulationSpec.MODEL_LJ);
    }

    @Override
    public String description() {
        return "embedded Java Lennard-Jones MD (NVE velocity-Verlet, Nose-Hoover NVT), "
            + Runtime.getRuntime().availableProcessors() + " processors";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public void validate(SimulationSpec s) {
        if (s == null) {
            throw new IllegalArgumentException("no spec");
        }
        if (!SimulationSpec.MODEL_LJ.equals(s.model)) {
            throw new IllegalArgumentException("engine md runs model lj only, not " + s.model);
        }
        LjSpecCheck.check(s, MAX_ATOMS);
        if (s.threads < 0 || s.threads > 1024) {
            throw new IllegalArgumentException("threads must be between 0 and 1024: " + s.threads);
        }
        if (s.timestep > 0.1 * s.sigma) {
            throw new IllegalArgumentException("timestep " + s.timestep + " is far too large for LJ (use <= 0.1, typically 0.005)");
        }
        if (s.dataFile == null) {
            if (s.density > 5) {
                throw new IllegalArgumentException("density " + s.density + " is not a fluid or solid (max 5)");
            }
            double a = Math.pow(4.0 / s.density, 1.0 / 3.0);
            double minBox = a * Math.min(s.cellsX, Math.min(s.cellsY, s.cellsZ));
            if (minBox < s.cutoff + s.skin) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "box %.3g is smaller than cutoff + skin %.3g: use more cells", minBox, s.cutoff + s.skin));
            }
            checkMemory(4L * s.cellsX * s.cellsY * s.cellsZ, s.density, a * s.cellsX, a * s.cellsY, a * s.cellsZ, s,
                availableHeapBytes());
        }
    }

    /** Heap the JVM may still allocate: its maximum less what is in use now. */
    static long availableHeapBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Bytes a run of {@code atoms} atoms at number density {@code rho} in a box of
     * {@code lx * ly * lz} needs at its peak: the atoms, the integrator's positions, forces
     * (one array per thread) and saved positions, the per-thread half neighbour lists (grown by
     * doubling), ghost atoms in the cutoff shell, bins, the spatial sort's temporaries and the
     * thermo rows, plus a fixed margin.
     */
    static long bytesNeeded(long atoms, double rho, double lx, double ly, double lz, SimulationSpec s) {
        double rn = s.cutoff * s.sigma + s.skin;
        int threads = (int) Math.max(1, Math.min(s.threads > 0 ? s.threads : Runtime.getRuntime().availableProcessors(),
            Math.max(1, atoms / 64)));
        double halfNeighbours = 2.0 / 3.0 * Math.PI * rn * rn * rn * rho;
        double ghosts = Math.max(0, rho * ((lx + 2 * rn) * (ly + 2 * rn) * (lz + 2 * rn) - lx * ly * lz));
        double perAtom = 64 + 27 + 27.0 * threads + 24 + 4.0 * threads + 8 * halfNeighbours + 9 + 4 + 72;
        double perGhost = 27 + 27.0 * threads + 9 + 58;
        long rows = s.thermoEvery > 0 ? s.steps / s.thermoEvery + 2 : 2;
        return (long) Math.min(Long.MAX_VALUE / 2, atoms * perAtom + ghosts * perGhost + rows * 160.0) + (16L << 20);
    }

    /** Refuses, before anything is allocated, a run that the heap cannot hold; one line with the estimate and the limit. */
    static void checkMemory(long atoms, double rho, double lx, double ly, double lz, SimulationSpec s, long available) {
        long need = bytesNeeded(atoms, rho, lx, ly, lz, s);
        if (need > available) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                "%,d atoms need about %s of heap but only %s is free (max heap %s): use fewer cells or start the container with a larger -Xmx",
                atoms, size(need), size(Math.max(0, available)), size(Runtime.getRuntime().maxMemory())));
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    @Override
    public SimulationResultDTO run(SimulationSpec s, RunContext context) throws SimulationFailedException {
        try {
            validate(s);
        } catch (IllegalArgumentException e) {
            throw new SimulationFailedException(e.getMessage());
        }
        Atoms atoms;
        if (s.dataFile != null) {
            try {
                atoms = DataFile.read(Path.of(s.dataFile));
            } catch (IOException e) {
                throw new SimulationFailedException("cannot read data file: " + e.getMessage());
            }
            double minBox = Math.min(atoms.lx(), Math.min(atoms.ly(), atoms.lz()));
            if (minBox < s.cutoff + s.skin) {
                throw new SimulationFailedException("box " + minBox + " is smaller than cutoff + skin");
            }
            if (atoms.n < 2) {
                throw new SimulationFailedException("need at least 2 atoms, the data file has " + atoms.n);
            }
            try {
                checkMemory(atoms.n, atoms.n / atoms.volume(), atoms.lx(), atoms.ly(), atoms.lz(), s, availableHeapBytes());
            } catch (IllegalArgumentException e) {
                throw new SimulationFailedException(e.getMessage());
            }
        } else {
            atoms = Atoms.fcc(s.density, s.cellsX, s.cellsY, s.cellsZ);
            atoms.mass = s.mass;
            atoms.createVelocities(s.temperature, (int) s.seed);
        }
        MdParameters p = parameters(s, atoms);
        SimulationResultDTO result = new SimulationResultDTO();
        result.runId = context.runId();
        result.engine = NAME;
        result.atoms = atoms.n;
        try (MdIntegrator md = new MdIntegrator(atoms, p)) {
            md.run(new Listener() {
                @Override
                public void thermo(long step, double temp, double epair, double etotal, double press) {
                    ThermoDTO row = ThermoDTO.of(step, temp, epair, etotal, press);
                    result.thermo.add(row);
                    context.thermo(row);
                }

                @Override
                public void progress(long step) {
                    context.progress(step);
                }

                @Override
                public boolean cancelled() {
                    return context.isCancelled();
                }
            });
            result.steps = md.step();
            result.loopSeconds = md.loopSeconds();
            result.atomStepsPerSecond = md.loopSeconds() > 0 ? atoms.n * (double) md.step() / md.loopSeconds() : 0;
            result.neighborBuilds = md.neighborBuilds();
            result.dangerousBuilds = md.dangerousBuilds();
            if (md.dangerousBuilds() > 0) {
                String w = md.dangerousBuilds() + " dangerous neighbour builds (an atom moved more than half the skin"
                    + " between builds): rebuild more often or enlarge the skin";
                result.warnings.add(w);
                context.warning(w);
            }
            if (s.writeData && context.workDirectory() != null) {
                Path out = context.workDirectory().resolve("final.data");
                DataFile.write(atoms, md.step(), s.cutoff, out);
                result.files.put("final.data", out.toString());
            }
        } catch (MdException e) {
            throw new SimulationFailedException(e.getMessage());
        } catch (IOException e) {
            throw new SimulationFailedException("cannot write the final state: " + e.getMessage(), e);
        }
        return result;
    }

    static MdParameters parameters(SimulationSpec s, Atoms atoms) {
        MdParameters p = new MdParameters();
        p.epsilon = s.epsilon;
        p.sigma = s.sigma;
        p.cutoff = s.cutoff * s.sigma;
        p.skin = s.skin;
        p.neighborEvery = s.neighborEvery;
        p.neighborDelay = s.neighborDelay;
        p.neighborCheck = s.neighborCheck;
        p.timestep = s.timestep;
        p.steps = s.steps;
        p.thermoEvery = s.thermoEvery;
        p.nvt = SimulationSpec.ENSEMBLE_NVT.equals(s.ensemble);
        p.targetTemperature = Double.isNaN(s.targetTemperature) ? s.temperature : s.targetTemperature;
        p.thermostatDamping = s.thermostatDamping;
        p.threads = s.threads > 0 ? s.threads : Runtime.getRuntime().availableProcessors();
        return p;
    }
}
