package org.kumiki.scheduler.api.dto;

import org.osgi.dto.DTO;

/** Resources a task declares. Zero memory or walltime means "not limited". */
public class ResourcesDTO extends DTO {
    /** CPU cores (at least 1). */
    public int cpus = 1;
    /** GPUs. */
    public int gpus;
    /** Memory in bytes; 0 = unspecified. */
    public long memoryBytes;
    /** Walltime in seconds; 0 = unlimited. A task still running then is TIMED_OUT. */
    public long walltimeSeconds;
    /**
     * Nodes the task spans (at least 1, at most {@link #tasks}); more than 1 only on backends
     * that allocate nodes (Slurm).
     *
     * @since 1.1
     */
    public int nodes = 1;
    /**
     * Parallel tasks (MPI ranks), at least 1. More than 1 starts the command through the
     * spec's {@code launcher} (srun on Slurm, {@code mpirun -np N} locally).
     *
     * @since 1.1
     */
    public int tasks = 1;
    /**
     * CPU cores per rank (at least 1). A task holds {@code max(cpus, tasks * cpusPerTask)} cores.
     *
     * @since 1.1
     */
    public int cpusPerTask = 1;
}
