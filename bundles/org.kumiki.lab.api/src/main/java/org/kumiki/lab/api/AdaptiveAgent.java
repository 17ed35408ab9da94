package org.kumiki.lab.api;

import java.util.Map;

import org.kumiki.lab.api.dto.ReadingDTO;
import org.osgi.annotation.versioning.ConsumerType;

/** Decides the next point of an adaptive plan from what was measured (an autonomous loop). */
@ConsumerType
public interface AdaptiveAgent {

    /**
     * @param lastReadings readings of the previous point (null before the first point)
     * @return set points (device name to value) of the next point, or null to end the run
     */
    Map<String, Object> next(Map<String, ReadingDTO> lastReadings) throws Exception;
}
