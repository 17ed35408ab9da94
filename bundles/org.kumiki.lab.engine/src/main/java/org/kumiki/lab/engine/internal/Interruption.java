package org.kumiki.lab.engine.internal;

/** Thrown inside the run thread when a signal interrupts the current message. */
final class Interruption extends Exception {
    private static final long serialVersionUID = 1L;
    final Signal signal;

    Interruption(Signal signal, String reason) {
        super(reason, null, false, false);
        this.signal = signal;
    }
}
