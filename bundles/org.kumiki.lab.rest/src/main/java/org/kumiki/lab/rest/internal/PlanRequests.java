package org.kumiki.lab.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.dto.AxisDTO;
import org.kumiki.platform.rest.ApiException;

/** Turns a {@link RunRequest} into a {@link Plan}, one clear 400 line per bad field. */
final class PlanRequests {

    static final int MAX_POINTS = 1_000_000;
    static final int MAX_DEVICES = 64;
    static final int MAX_METADATA = 100;
    /** Start-document keys the engine sets itself. */
    static final Set<String> RESERVED = Set.of("uid", "time", "scan_id", "plan_name");

    static final List<PlanInfo> PLANS = List.of(
            PlanInfo.of("count", "Read the detectors num times, delay seconds apart (Bluesky's count)")
                    .param("detectors", "array of string", true, null, "detectors to trigger and read")
                    .param("num", "integer", false, 1, "readings, 1 to " + MAX_POINTS)
                    .param("delay", "number", false, 0.0, "seconds between readings, 0 to 86400")
                    .param("metadata", "object", false, null, "merged into the start document"),
            PlanInfo.of("scan", "Move one movable from start to stop in num points, reading the detectors at each (Bluesky's scan)")
                    .param("detectors", "array of string", true, null, "detectors to trigger and read")
                    .param("motor", "string", true, null, "the movable")
                    .param("start", "number", true, null, "first position")
                    .param("stop", "number", true, null, "last position")
                    .param("num", "integer", true, null, "points, 1 to " + MAX_POINTS)
                    .param("metadata", "object", false, null, "merged into the start document"),
            PlanInfo.of("grid_scan", "A grid over N movables, the first slowest (Bluesky's grid_scan)")
                    .param("detectors", "array of string", true, null, "detectors to trigger and read")
                    .param("axes", "array of {device, start, stop, num}", true, null, "the axes, first slowest")
                    .param("snake", "boolean", false, false, "reverse faster axes on alternate rows")
                    .param("metadata", "object", false, null, "merged into the start document"),
            PlanInfo.of("list_scan", "Visit the given positions: one list per movable, all of the same length (Bluesky's list_scan)")
                    .param("detectors", "array of string", true, null, "detectors to trigger and read")
                    .param("points", "object: movable to array of number", true, null, "positions per movable")
                    .param("metadata", "object", false, null, "merged into the start document"));

    private PlanRequests() {
    }

    static PlanInfo info(String name) {
        for (PlanInfo p : PLANS) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    static String names() {
        List<String> n = new ArrayList<>();
        PLANS.forEach(p -> n.add(p.name));
        return String.join(", ", n);
    }

    static Plan build(RunRequest r, Plans plans) {
        if (r.plan == null || r.plan.isBlank()) {
            throw bad("plan", "is required (" + names() + ")");
        }
        PlanInfo info = info(r.plan);
        if (info == null) {
            throw bad("plan", "'" + shown(r.plan) + "' is not a plan (" + names() + ")");
        }
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add("plan");
        info.parameters.forEach(p -> allowed.add(p.name));
        given(r).forEach(f -> {
            if (!allowed.contains(f)) {
                throw bad(f, "is not a parameter of plan " + r.plan + " (its parameters: " + String.join(", ", allowed) + ")");
            }
        });
        List<String> dets = names("detectors", r.detectors, true);
        Map<String, Object> md = metadata(r.metadata);
        try {
            switch (r.plan) {
                case "count":
                    return plans.count(dets, r.num == null ? 1 : range("num", r.num, 1, MAX_POINTS),
                            r.delay == null ? 0.0 : range("delay", r.delay, 0, 86400), md);
                case "scan":
                    return plans.scan(dets, device("motor", required("motor", r.motor)), finite("start", required("start", r.start)),
                            finite("stop", required("stop", r.stop)), range("num", required("num", r.num), 1, MAX_POINTS), md);
                case "grid_scan": {
                    List<AxisDTO> axes = required("axes", r.axes);
                    if (axes.isEmpty() || axes.size() > 8) {
                        throw bad("axes", "needs 1 to 8 axes, not " + axes.size());
                    }
                    long total = 1;
                    for (int i = 0; i < axes.size(); i++) {
                        AxisDTO a = axes.get(i);
                        String p = "axes[" + i + "]";
                        if (a == null) {
                            throw bad(p, "is null");
                        }
                        device(p + ".device", required(p + ".device", a.device));
                        finite(p + ".start", a.start);
                        finite(p + ".stop", a.stop);
                        range(p + ".num", a.num, 1, MAX_POINTS);
                        total *= a.num;
                        if (total > MAX_POINTS) {
                            throw bad("axes", "make more than " + MAX_POINTS + " points");
                        }
                    }
                    return plans.gridScan(dets, axes, r.snake != null && r.snake, md);
                }
                case "list_scan": {
                    Map<String, List<Double>> pts = required("points", r.points);
                    if (pts.isEmpty() || pts.size() > MAX_DEVICES) {
                        throw bad("points", "needs 1 to " + MAX_DEVICES + " movables, not " + pts.size());
                    }
                    Map<String, List<Object>> out = new LinkedHashMap<>();
                    int n = -1;
                    for (Map.Entry<String, List<Double>> e : pts.entrySet()) {
                        String p = "points." + e.getKey();
                        device(p, e.getKey());
                        List<Double> vs = e.getValue();
                        if (vs == null || vs.isEmpty() || vs.size() > MAX_POINTS) {
                            throw bad(p, "needs 1 to " + MAX_POINTS + " positions");
                        }
                        if (n >= 0 && vs.size() != n) {
                            throw bad(p, "has " + vs.size() + " positions, the others " + n + ": every list has the same length");
                        }
                        n = vs.size();
                        List<Object> l = new ArrayList<>(vs.size());
                        for (int i = 0; i < vs.size(); i++) {
                            if (vs.get(i) == null) {
                                throw bad(p + "[" + i + "]", "is null");
                            }
                            l.add(finite(p + "[" + i + "]", vs.get(i)));
                        }
                        out.put(e.getKey(), l);
                    }
                    return plans.listScan(dets, out, md);
                }
                default:
                    throw bad("plan", "'" + shown(r.plan) + "' is not a plan (" + names() + ")");
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(r.plan + ": " + e.getMessage());
        }
    }

    /** The fields of the request that were given. */
    static List<String> given(RunRequest r) {
        List<String> g = new ArrayList<>();
        if (r.detectors != null) g.add("detectors");
        if (r.motor != null) g.add("motor");
        if (r.start != null) g.add("start");
        if (r.stop != null) g.add("stop");
        if (r.num != null) g.add("num");
        if (r.delay != null) g.add("delay");
        if (r.axes != null) g.add("axes");
        if (r.snake != null) g.add("snake");
        if (r.points != null) g.add("points");
        if (r.metadata != null) g.add("metadata");
        return g;
    }

    private static List<String> names(String field, List<String> l, boolean required) {
        if (l == null) {
            if (required) {
                throw bad(field, "is required (a list of device names)");
            }
            return List.of();
        }
        if ((required && l.isEmpty()) || l.size() > MAX_DEVICES) {
            throw bad(field, "needs 1 to " + MAX_DEVICES + " device names, not " + l.size());
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < l.size(); i++) {
            String d = device(field + "[" + i + "]", l.get(i));
            if (!seen.add(d)) {
                throw bad(field + "[" + i + "]", "'" + d + "' is listed twice");
            }
        }
        return new ArrayList<>(seen);
    }

    static String device(String field, String name) {
        if (name == null || name.isBlank()) {
            throw bad(field, "is not a device name (empty)");
        }
        if (name.length() > 128 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw bad(field, "'" + shown(name) + "' is not a device name (1 to 128 printable characters, no spaces)");
        }
        return name;
    }

    private static Map<String, Object> metadata(Map<String, Object> md) {
        if (md == null) {
            return new LinkedHashMap<>();
        }
        if (md.size() > MAX_METADATA) {
            throw bad("metadata", "has " + md.size() + " keys; at most " + MAX_METADATA);
        }
        for (String k : md.keySet()) {
            if (RESERVED.contains(k)) {
                throw bad("metadata." + k, "is set by the engine; choose another key");
            }
            if (k.isEmpty() || k.length() > 128) {
                throw bad("metadata", "keys are 1 to 128 characters");
            }
        }
        return new LinkedHashMap<>(md);
    }

    private static <T> T required(String field, T v) {
        if (v == null) {
            throw bad(field, "is required");
        }
        return v;
    }

    private static int range(String field, int v, int min, int max) {
        if (v < min || v > max) {
            throw bad(field, "is " + v + "; it must be within " + min + " to " + max);
        }
        return v;
    }

    private static double range(String field, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw bad(field, "is " + v + "; it must be within " + min + " to " + max);
        }
        return v;
    }

    private static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw bad(field, "must be a finite number, not " + v);
        }
        return v;
    }

    static ApiException bad(String field, String what) {
        return ApiException.badRequest("property \"" + field + "\" " + what);
    }

    /** At most 60 characters, control characters escaped. */
    static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 60; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 60 ? b + "..." : b.toString();
    }
}
