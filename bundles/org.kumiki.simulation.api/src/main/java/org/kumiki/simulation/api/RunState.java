package org.kumiki.simulation.api;

/**
 * The life of a simulation run: QUEUED, RUNNING, then one of the terminal states.
 *
 * @since 1.1 {@link #INTERRUPTED}
 */
public enum RunState {
    QUEUED,
    RUNNING,
    COMPLETED,
    /** The engine failed or the run became unstable; the run's message says why. */
    FAILED,
    CANCELLED,
    /**
     * The container stopped (or was killed) before the run ended: after the restart it is
     * listed with the thermo rows it had reported; the message says at which step.
     *
     * @since 1.1
     */
    INTERRUPTED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }
}
