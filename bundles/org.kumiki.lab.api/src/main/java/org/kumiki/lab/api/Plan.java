package org.kumiki.lab.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plan: a generator of {@link Msg messages}, as Bluesky's plans are. The engine calls
 * {@link #next(Object)} with the response to the previous message ({@code null} the first
 * time) until it returns {@code null}. Responses: {@code OPEN_RUN} the run uid, {@code READ}
 * and {@code TRIGGER_AND_READ} a {@code Map<String, ReadingDTO>}, {@code SAVE} the event
 * document, others {@code null}. A plan instance runs once.
 */
@ConsumerType
public interface Plan {

    Msg next(Object response) throws Exception;

    /**
     * Every set point this plan will request, when known in advance (device name to values), so
     * the engine can check soft limits before the run opens and before anything moves.
     */
    default Map<String, List<Object>> plannedSetpoints() {
        return Map.of();
    }

    /**
     * Every device this plan names (detectors, movables, signals it reads), when known in
     * advance, so the engine can refuse an unknown one before the run opens. The default is
     * the devices of {@link #plannedSetpoints()}.
     *
     * @since 1.1
     */
    default Set<String> devices() {
        Map<String, List<Object>> planned = plannedSetpoints();
        return planned == null ? Set.of() : planned.keySet();
    }

    /** A short name for the run's start document ({@code plan_name}). */
    default String name() {
        return getClass().getSimpleName();
    }
}
