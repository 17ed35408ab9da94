package org.kumiki.lab.api;

/** A set point lies outside a device's soft limits; nothing was moved. */
public class LimitViolationException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public LimitViolationException(String message) {
        super(message);
    }
}
