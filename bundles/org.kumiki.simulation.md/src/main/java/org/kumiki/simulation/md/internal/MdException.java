package org.kumiki.simulation.md.internal;

/** The integration failed (unstable, lost atoms); the message says why. */
final class MdException extends Exception {
    private static final long serialVersionUID = 1L;

    MdException(String message) {
        super(message);
    }
}
