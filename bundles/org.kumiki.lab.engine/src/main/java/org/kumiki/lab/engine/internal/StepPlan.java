package org.kumiki.lab.engine.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.lab.api.AdaptiveAgent;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.dto.ReadingDTO;

/**
 * The shape of every ready-made plan: open a run; per point: checkpoint, move the movables in
 * parallel and wait, trigger and read detectors and movables as one event (then an optional
 * delay); close the run. Points come from a list or, for adaptive plans, from an agent.
 */
final class StepPlan implements Plan {

    private final String name;
    private final List<String> detectors;
    private final List<String> movables;
    private final Iterator<Map<String, Object>> points;
    private final AdaptiveAgent agent;
    private final int maxPoints;
    private final double delay;
    private final Map<String, Object> metadata;
    private final Map<String, List<Object>> planned;
    private final Deque<Msg> queue = new ArrayDeque<>();
    private boolean opened;
    private boolean closed;
    private int done;
    private boolean awaitingReadings;
    private Map<String, ReadingDTO> lastReadings;

    StepPlan(String name, List<String> detectors, List<String> movables, List<Map<String, Object>> points, AdaptiveAgent agent, int maxPoints,
            double delay, Map<String, Object> metadata) {
        this.name = name;
        this.detectors = List.copyOf(detectors);
        this.movables = List.copyOf(movables);
        this.points = points == null ? null : points.iterator();
        this.agent = agent;
        this.maxPoints = maxPoints;
        this.delay = delay;
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("detectors", this.detectors);
        md.put("motors", this.movables);
        if (points != null) md.put("num_points", points.size());
        if (!this.movables.isEmpty()) {
            List<Object> dims = new ArrayList<>();
            for (String m : this.movables) dims.add(List.of(List.of(m), "primary"));
            md.put("hints", Map.of("dimensions", dims));
        }
        if (metadata != null) {
            try {
                Runner.checkMetadata(metadata);
            } catch (org.kumiki.lab.api.DeviceException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            md.putAll(metadata);
        }
        this.metadata = md;
        Map<String, List<Object>> p = new LinkedHashMap<>();
        if (points != null) {
            for (Map<String, Object> pt : points) {
                for (Map.Entry<String, Object> e : pt.entrySet()) p.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        this.planned = p;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, List<Object>> plannedSetpoints() {
        return planned;
    }

    @Override
    public Set<String> devices() {
        Set<String> all = new LinkedHashSet<>(detectors);
        all.addAll(movables);
        all.addAll(planned.keySet());
        return all;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Msg next(Object response) throws Exception {
        if (awaitingReadings && response instanceof Map) {
            lastReadings = (Map<String, ReadingDTO>) response;
            awaitingReadings = false;
        }
        if (!opened) {
            opened = true;
            return Msg.openRun(metadata);
        }
        if (queue.isEmpty()) {
            if (closed) return null;
            Map<String, Object> point = nextPoint();
            if (point == null) {
                closed = true;
                return Msg.closeRun();
            }
            if (done > 0 && delay > 0) queue.add(Msg.sleep(delay));
            queue.add(Msg.checkpoint());
            for (Map.Entry<String, Object> e : point.entrySet()) queue.add(Msg.set(e.getKey(), e.getValue(), "step"));
            if (!point.isEmpty()) queue.add(Msg.waitFor("step"));
            List<String> all = new ArrayList<>(detectors);
            for (String m : movables) if (!all.contains(m)) all.add(m);
            for (String m : point.keySet()) if (!all.contains(m)) all.add(m);
            queue.add(Msg.triggerAndRead(all, "primary"));
            done++;
        }
        Msg m = queue.poll();
        if (m.command == Msg.Command.TRIGGER_AND_READ) awaitingReadings = true;
        return m;
    }

    private Map<String, Object> nextPoint() throws Exception {
        if (maxPoints >= 0 && done >= maxPoints) return null;
        if (points != null) return points.hasNext() ? points.next() : null;
        Map<String, Object> p = agent.next(lastReadings);
        if (p == null) return null;
        for (String k : p.keySet()) {
            if (!movables.contains(k)) throw new IllegalArgumentException("the agent asked to move '" + k + "', which is not one of " + movables);
        }
        return new LinkedHashMap<>(p);
    }
}
