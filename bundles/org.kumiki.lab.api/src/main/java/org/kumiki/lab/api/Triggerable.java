package org.kumiki.lab.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/** A device that acquires on demand (a detector exposure, a spectrometer measurement). */
@ConsumerType
public interface Triggerable extends Device {

    /** Starts an acquisition; the stage completes when a fresh value can be read. */
    CompletionStage<Void> trigger() throws DeviceException;
}
