package org.kumiki.simulation.api;

/** The life of a simulation run: QUEUED, RUNNING, then one of the terminal states. */
public enum RunState {
    QUEUED,
    RUNNING,
    COMPLETED,
    /** The engine failed or the run became unstable; the run's message says why. */
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
