package org.kumiki.lab.api;

/** The device is owned by another run (one run owns an instrument at a time). */
public class InstrumentLockedException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public InstrumentLockedException(String message) {
        super(message);
    }
}
