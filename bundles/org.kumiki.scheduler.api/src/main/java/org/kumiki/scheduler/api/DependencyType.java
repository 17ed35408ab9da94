package org.kumiki.scheduler.api;

/** When a dependency is satisfied (as Slurm's {@code --dependency}). */
public enum DependencyType {
    /** The dependency completed successfully (exit code 0). */
    AFTER_OK,
    /** The dependency ended, whatever its state. */
    AFTER_ANY,
    /** The dependency ended in FAILED, TIMED_OUT, CANCELLED or LOST. */
    AFTER_NOT_OK;

    /** Whether a dependency that ended in {@code state} satisfies this condition. */
    public boolean satisfiedBy(TaskState state) {
        switch (this) {
            case AFTER_OK: return state == TaskState.COMPLETED;
            case AFTER_ANY: return state.isTerminal();
            default: return state.isTerminal() && state != TaskState.COMPLETED;
        }
    }
}
