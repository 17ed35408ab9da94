package org.kumiki.lab.api;

/** The device is unreachable; the engine suspends the run until {@link Device#connected()} is true again. */
public class DeviceDisconnectedException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public DeviceDisconnectedException(String message) {
        super(message);
    }

    public DeviceDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
