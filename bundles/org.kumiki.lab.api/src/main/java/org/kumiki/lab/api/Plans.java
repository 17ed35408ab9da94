package org.kumiki.lab.api;

import java.util.List;
import java.util.Map;

import org.kumiki.lab.api.dto.AxisDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Ready-made plans (Bluesky's plan library). Each step is: checkpoint, move the movables
 * (in parallel) and wait, trigger and read the detectors plus the movables, emit one event.
 */
@ProviderType
public interface Plans {

    /** {@code num} readings of the detectors, {@code delay} seconds apart. */
    Plan count(List<String> detectors, int num, double delay, Map<String, Object> metadata);

    /** A 1-D scan of one movable from start to stop in num points. */
    Plan scan(List<String> detectors, String motor, double start, double stop, int num, Map<String, Object> metadata);

    /** A grid over N axes, the first slowest; {@code snake} reverses faster axes on alternate rows. */
    Plan gridScan(List<String> detectors, List<AxisDTO> axes, boolean snake, Map<String, Object> metadata);

    /** Visits the given points: every list has the same length, one value per point. */
    Plan listScan(List<String> detectors, Map<String, List<Object>> points, Map<String, Object> metadata);

    /** Asks {@code agent} for each next point until it returns null or {@code maxPoints} are done. */
    Plan adaptive(List<String> detectors, List<String> movables, AdaptiveAgent agent, int maxPoints, Map<String, Object> metadata);

    /** Runs plans one after another as one run-less sequence (each plan opens and closes its own run). */
    Plan sequence(List<Plan> plans);

    /** A plan of fixed messages (responses are ignored). */
    Plan of(List<Msg> messages);

    /**
     * A plan by name with textual arguments, for commands and remote callers: {@code count},
     * {@code scan}, {@code grid_scan}, {@code list_scan}. See the engine README for arguments.
     *
     * @throws RunRejectedException for an unknown name or malformed arguments
     */
    Plan create(String name, Map<String, String> args) throws RunRejectedException;
}
