package org.kumiki.scheduler.api;

/**
 * How a parallel task (more than one rank) is started.
 *
 * @since 1.1
 */
public enum Launcher {
    /** srun on Slurm, {@code mpirun -np N} locally; nothing for a single rank. */
    AUTO,
    /** The command as it is (it starts its ranks itself). */
    NONE,
    /** {@code srun --mpi=pmix} inside the Slurm allocation. */
    SRUN,
    /** {@code mpirun} (inside the allocation on Slurm, {@code -np N} locally). */
    MPIRUN
}
