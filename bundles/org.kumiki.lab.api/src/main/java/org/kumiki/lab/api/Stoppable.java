package org.kumiki.lab.api;

import org.osgi.annotation.versioning.ConsumerType;

/** A device whose motion or action can be stopped at once (used by pause, abort and emergency stop). */
@ConsumerType
public interface Stoppable extends Device {

    /**
     * Stops any motion now; pending set statuses complete exceptionally. Must return quickly (a
     * network driver sends the stop and returns): the emergency stop calls every device's stop()
     * at once from several threads, and returns only after each call returned.
     */
    void stop() throws DeviceException;
}
