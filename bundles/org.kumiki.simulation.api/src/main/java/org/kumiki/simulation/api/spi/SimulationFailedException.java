package org.kumiki.simulation.api.spi;

/** An engine's run failed (unstable integration, an engine error); the message is the reason. */
public class SimulationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public SimulationFailedException(String message) {
        super(message);
    }

    public SimulationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
