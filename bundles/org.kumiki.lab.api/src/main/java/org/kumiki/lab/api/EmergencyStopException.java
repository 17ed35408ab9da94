package org.kumiki.lab.api;

/** Motion is refused: the emergency stop is active until {@link RunEngine#reset()}. */
public class EmergencyStopException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public EmergencyStopException(String message) {
        super(message);
    }
}
