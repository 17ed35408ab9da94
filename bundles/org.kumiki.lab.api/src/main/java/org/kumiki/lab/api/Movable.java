package org.kumiki.lab.api;

import java.util.concurrent.CompletionStage;

import org.kumiki.lab.api.dto.LimitsDTO;
import org.osgi.annotation.versioning.ConsumerType;

/** A settable device (a motor, a temperature set point, a robot recipe). */
@ConsumerType
public interface Movable extends Readable {

    /**
     * Starts moving to {@code value} and returns at once; the stage completes when the device
     * has arrived (or settled), exceptionally when the move failed or was stopped. The engine
     * has checked {@link #limits()} before calling.
     */
    CompletionStage<Void> set(Object value) throws DeviceException;

    /** Soft limits for numeric set points; {@code null} bounds (or a null result) mean none. */
    LimitsDTO limits();
}
