package org.kumiki.lab.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An instrument or one of its signals. Drivers register devices as OSGi services (under
 * {@code Device} and every capability interface they implement) with the properties of
 * {@link LabConstants}: {@code lab.device.name} (unique), kind, vendor, location, capabilities.
 */
@ConsumerType
public interface Device {

    /** Unique name; equals the {@link LabConstants#DEVICE_NAME} service property. */
    String name();

    /**
     * Whether the device is reachable now. A device that is not throws
     * {@link DeviceDisconnectedException} from its operations; the engine then suspends the run
     * until this turns true again.
     */
    default boolean connected() {
        return true;
    }
}
