package org.kumiki.simulation.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.dto.DTO;

/**
 * What to simulate. Defaults are LAMMPS's {@code bench/in.lj}: 32,000 Lennard-Jones atoms on
 * an fcc lattice at reduced density 0.8442 (20x20x20 unit cells), temperature 1.44, cutoff
 * 2.5, skin 0.3, timestep 0.005, 100 NVE steps. All quantities in reduced LJ units.
 */
public class SimulationSpec extends DTO {
    /** A Lennard-Jones fluid built from the fields below (or from {@link #dataFile}). */
    public static final String MODEL_LJ = "lj";
    /** A user's own LAMMPS input script in {@link #script} (engine {@code lammps} only). */
    public static final String MODEL_LAMMPS_SCRIPT = "lammps-script";
    public static final String ENSEMBLE_NVE = "nve";
    /** Nosé-Hoover thermostat (one thermostat variable) at {@link #targetTemperature}. */
    public static final String ENSEMBLE_NVT = "nvt";

    /** Human-readable name (need not be unique). */
    public String name;
    /** Engine name ({@code md}, {@code lammps}); null means the first available engine for the model, {@code md} preferred. */
    public String engine;
    public String model = MODEL_LJ;

    /** Reduced number density of the fcc lattice (LAMMPS {@code lattice fcc 0.8442}). */
    public double density = 0.8442;
    /** fcc unit cells along x, y, z (4 atoms each). */
    public int cellsX = 20;
    public int cellsY = 20;
    public int cellsZ = 20;
    /** Initial temperature (velocities drawn then scaled to exactly this, zero total momentum). */
    public double temperature = 1.44;
    /** Seed of the velocity generator. */
    public long seed = 87287;
    public double mass = 1.0;
    public double epsilon = 1.0;
    public double sigma = 1.0;
    /** Pair cutoff in sigma (no energy shift, as LAMMPS lj/cut). */
    public double cutoff = 2.5;
    /** Neighbour-list skin (LAMMPS {@code neighbor 0.3 bin}). */
    public double skin = 0.3;
    /** Neighbour rebuild every this many steps (LAMMPS {@code neigh_modify every}). */
    public int neighborEvery = 1;
    /** ... but not before this many steps since the last build ({@code neigh_modify delay}). */
    public int neighborDelay = 0;
    /** Rebuild only when an atom moved more than half the skin ({@code neigh_modify check yes}). */
    public boolean neighborCheck = true;

    public double timestep = 0.005;
    public long steps = 100;
    /** Thermo output every this many steps; 0 means the first and last step only (LAMMPS {@code thermo 0}). */
    public long thermoEvery = 0;

    /** {@link #ENSEMBLE_NVE} or {@link #ENSEMBLE_NVT}. */
    public String ensemble = ENSEMBLE_NVE;
    /** NVT target temperature; NaN means {@link #temperature}. */
    public double targetTemperature = Double.NaN;
    /** NVT thermostat damping time (LAMMPS {@code Tdamp}), in tau. */
    public double thermostatDamping = 0.5;

    /** A LAMMPS data file (atomic style, with or without Velocities) to start from instead of the lattice. */
    public String dataFile;
    /** Write the final state as a LAMMPS data file ({@code final.data}). */
    public boolean writeData;
    /** Force threads of the embedded engine; 0 means one per available processor. */
    public int threads;

    /**
     * MPI ranks (at least 1). More than 1 runs the engine's program (engine {@code lammps}) as a
     * parallel scheduler task on {@link #backend} ({@code resources.tasks} = ranks, launcher AUTO:
     * {@code mpirun -np N} locally, {@code srun --mpi=pmix} on Slurm); without a scheduler the
     * engine starts its ranks itself.
     *
     * @since 1.3
     */
    public int ranks = 1;
    /**
     * Scheduler backend of a parallel run ({@link #ranks} &gt; 1), e.g. {@code local} or
     * {@code slurm}; null means the scheduler's default.
     *
     * @since 1.3
     */
    public String backend;

    /** A LAMMPS input script (model {@link #MODEL_LAMMPS_SCRIPT}). */
    public String script;
    /** Free-form labels copied into results and sweep datasets. */
    public Map<String, String> labels = new LinkedHashMap<>();
}
