package org.kumiki.simulation.api;

/** A spec or sweep was refused at submission; the message is a one-line reason. */
public class SimulationRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulationRejectedException(String message) {
        super(message);
    }
}
