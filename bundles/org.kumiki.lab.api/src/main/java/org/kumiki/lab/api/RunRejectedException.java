package org.kumiki.lab.api;

/** A plan or command was refused before it started (engine busy, unknown device, limits, bad arguments). */
public class RunRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RunRejectedException(String message) {
        super(message);
    }

    public RunRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
