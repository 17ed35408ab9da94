package org.kumiki.lab.engine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.lab.api.AdaptiveAgent;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.dto.AxisDTO;
import org.osgi.service.component.annotations.Component;

/** The plan library. */
@Component(service = Plans.class)
public class PlansImpl implements Plans {

    static final int MAX_POINTS = 10_000_000;

    @Override
    public Plan count(List<String> detectors, int num, double delay, Map<String, Object> metadata) {
        checkDetectors(detectors);
        if (num < 1 || num > MAX_POINTS) throw new IllegalArgumentException("num must be within 1.." + MAX_POINTS + ", not " + num);
        if (!(delay >= 0) || delay > 86400) throw new IllegalArgumentException("delay must be within 0..86400 s");
        List<Map<String, Object>> pts = new ArrayList<>(Math.min(num, 1024));
        Map<String, Object> none = Map.of();
        for (int i = 0; i < num; i++) pts.add(none);
        return new StepPlan("count", detectors, List.of(), pts, null, num, delay, metadata);
    }

    @Override
    public Plan scan(List<String> detectors, String motor, double start, double stop, int num, Map<String, Object> metadata) {
        return gridScan(detectors, List.of(AxisDTO.of(motor, start, stop, num)), false, withName(metadata, "scan"));
    }

    private static Map<String, Object> withName(Map<String, Object> md, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan_pattern", name);
        if (md != null) m.putAll(md);
        return m;
    }

    @Override
    public Plan gridScan(List<String> detectors, List<AxisDTO> axes, boolean snake, Map<String, Object> metadata) {
        checkDetectors(detectors);
        if (axes == null || axes.isEmpty()) throw new IllegalArgumentException("a grid scan needs at least one axis");
        long total = 1;
        List<String> motors = new ArrayList<>();
        for (AxisDTO a : axes) {
            if (a == null || a.device == null || a.device.isBlank()) throw new IllegalArgumentException("an axis needs a device");
            if (motors.contains(a.device)) throw new IllegalArgumentException("device '" + a.device + "' appears twice");
            if (!Double.isFinite(a.start) || !Double.isFinite(a.stop)) throw new IllegalArgumentException("axis " + a.device + ": start and stop must be finite");
            if (a.num < 1) throw new IllegalArgumentException("axis " + a.device + ": num must be >= 1");
            total *= a.num;
            if (total > MAX_POINTS) throw new IllegalArgumentException("more than " + MAX_POINTS + " points");
            motors.add(a.device);
        }
        List<Map<String, Object>> pts = new ArrayList<>((int) total);
        int[] idx = new int[axes.size()];
        for (long n = 0; n < total; n++) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (int d = 0; d < axes.size(); d++) {
                AxisDTO a = axes.get(d);
                int i = idx[d];
                if (snake && d > 0) {
                    // reverse this axis on odd passes of the axis above it
                    long above = 0;
                    for (int u = 0; u < d; u++) above = above * axes.get(u).num + idx[u];
                    if ((above & 1) == 1) i = a.num - 1 - i;
                }
                p.put(a.device, linspace(a.start, a.stop, a.num, i));
            }
            pts.add(p);
            for (int d = axes.size() - 1; d >= 0; d--) {
                if (++idx[d] < axes.get(d).num) break;
                idx[d] = 0;
            }
        }
        Map<String, Object> md = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
        md.putIfAbsent("plan_pattern", axes.size() == 1 ? "scan" : "grid_scan");
        List<Object> shape = new ArrayList<>();
        for (AxisDTO a : axes) shape.add(a.num);
        md.put("shape", shape);
        md.put("snaking", snake);
        return new StepPlan(axes.size() == 1 ? "scan" : "grid_scan", detectors, motors, pts, null, -1, 0, md);
    }

    static double linspace(double start, double stop, int num, int i) {
        if (num == 1) return start;
        return i == num - 1 ? stop : start + (stop - start) * i / (num - 1);
    }

    @Override
    public Plan listScan(List<String> detectors, Map<String, List<Object>> points, Map<String, Object> metadata) {
        checkDetectors(detectors);
        if (points == null || points.isEmpty()) throw new IllegalArgumentException("a list scan needs positions");
        int n = -1;
        for (Map.Entry<String, List<Object>> e : points.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) throw new IllegalArgumentException("a position list needs a device");
            if (e.getValue() == null || e.getValue().isEmpty()) throw new IllegalArgumentException(e.getKey() + ": no positions");
            if (n >= 0 && e.getValue().size() != n) throw new IllegalArgumentException("every position list must have the same length");
            n = e.getValue().size();
        }
        if (n > MAX_POINTS) throw new IllegalArgumentException("more than " + MAX_POINTS + " points");
        List<Map<String, Object>> pts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (Map.Entry<String, List<Object>> e : points.entrySet()) p.put(e.getKey(), e.getValue().get(i));
            pts.add(p);
        }
        return new StepPlan("list_scan", detectors, new ArrayList<>(points.keySet()), pts, null, -1, 0, metadata);
    }

    @Override
    public Plan adaptive(List<String> detectors, List<String> movables, AdaptiveAgent agent, int maxPoints, Map<String, Object> metadata) {
        checkDetectors(detectors);
        if (agent == null) throw new IllegalArgumentException("an adaptive plan needs an agent");
        if (movables == null || movables.isEmpty()) throw new IllegalArgumentException("an adaptive plan needs movables");
        if (maxPoints < 1 || maxPoints > MAX_POINTS) throw new IllegalArgumentException("maxPoints must be within 1.." + MAX_POINTS);
        return new StepPlan("adaptive", detectors, movables, null, agent, maxPoints, 0, metadata);
    }

    @Override
    public Plan sequence(List<Plan> plans) {
        if (plans == null || plans.isEmpty()) throw new IllegalArgumentException("an empty sequence");
        List<Plan> copy = List.copyOf(plans);
        Map<String, List<Object>> planned = new LinkedHashMap<>();
        Set<String> named = new LinkedHashSet<>();
        for (Plan p : copy) {
            if (p == null) throw new IllegalArgumentException("a null plan in the sequence");
            Map<String, List<Object>> pp = p.plannedSetpoints();
            if (pp != null) {
                for (Map.Entry<String, List<Object>> e : pp.entrySet()) planned.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
            }
            Set<String> d = p.devices();
            if (d != null) named.addAll(d);
        }
        return new Plan() {
            int i;
            boolean fresh = true;

            @Override
            public Msg next(Object response) throws Exception {
                while (i < copy.size()) {
                    Msg m = copy.get(i).next(fresh ? null : response);
                    fresh = false;
                    if (m != null) return m;
                    i++;
                    fresh = true;
                }
                return null;
            }

            @Override
            public Map<String, List<Object>> plannedSetpoints() {
                return planned;
            }

            @Override
            public Set<String> devices() {
                return named;
            }

            @Override
            public String name() {
                return "sequence";
            }
        };
    }

    @Override
    public Plan of(List<Msg> messages) {
        if (messages == null) throw new IllegalArgumentException("no messages");
        List<Msg> copy = List.copyOf(messages);
        Set<String> named = new LinkedHashSet<>();
        for (Msg m : copy) named.addAll(m.devices);
        return new Plan() {
            int i;

            @Override
            public Msg next(Object response) {
                return i < copy.size() ? copy.get(i++) : null;
            }

            @Override
            public Set<String> devices() {
                return named;
            }

            @Override
            public String name() {
                return "messages";
            }
        };
    }

    private static void checkDetectors(List<String> detectors) {
        if (detectors == null) throw new IllegalArgumentException("no detectors");
        for (String d : detectors) if (d == null || d.isBlank()) throw new IllegalArgumentException("a blank detector name");
    }

    @Override
    public Plan create(String name, Map<String, String> args) throws RunRejectedException {
        if (name == null) throw new RunRejectedException("no plan name");
        Map<String, String> a = args == null ? Map.of() : args;
        Map<String, Object> md = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (e.getKey() != null && e.getKey().startsWith("md.")) md.put(e.getKey().substring(3), e.getValue());
        }
        try {
            switch (name) {
                case "count":
                    allow(a, "dets", "num", "delay");
                    return count(list(a, "dets", true), (int) integer(a, "num", 1), dbl(a, "delay", 0.0), md);
                case "scan":
                    allow(a, "dets", "motor", "start", "stop", "num");
                    return scan(list(a, "dets", true), required(a, "motor"), dbl(a, "start", null), dbl(a, "stop", null), (int) integer(a, "num", null), md);
                case "grid_scan": {
                    allow(a, "dets", "axes", "snake");
                    List<AxisDTO> axes = new ArrayList<>();
                    for (String ax : required(a, "axes").split(",")) {
                        String[] f = ax.trim().split(":");
                        if (f.length != 4) throw new IllegalArgumentException("an axis is MOTOR:START:STOP:NUM, not '" + ax + "'");
                        axes.add(AxisDTO.of(f[0].trim(), parseDouble(f[1], "start"), parseDouble(f[2], "stop"), (int) parseLong(f[3], "num")));
                    }
                    String snake = a.getOrDefault("snake", "false");
                    if (!snake.equals("true") && !snake.equals("false")) throw new IllegalArgumentException("snake must be true or false");
                    return gridScan(list(a, "dets", true), axes, Boolean.parseBoolean(snake), md);
                }
                case "list_scan": {
                    allow(a, "dets", "points");
                    Map<String, List<Object>> pts = new LinkedHashMap<>();
                    for (String part : required(a, "points").split(";")) {
                        int eq = part.indexOf('=');
                        if (eq <= 0) throw new IllegalArgumentException("points are MOTOR=V,V,...;MOTOR=V,V,..., not '" + part + "'");
                        List<Object> vs = new ArrayList<>();
                        for (String v : part.substring(eq + 1).split(",")) vs.add(parseDouble(v, "position"));
                        pts.put(part.substring(0, eq).trim(), vs);
                    }
                    return listScan(list(a, "dets", true), pts, md);
                }
                default:
                    throw new RunRejectedException("unknown plan '" + name + "' (count, scan, grid_scan, list_scan)");
            }
        } catch (IllegalArgumentException e) {
            throw new RunRejectedException(name + ": " + e.getMessage(), e);
        }
    }

    private static void allow(Map<String, String> a, String... keys) {
        List<String> ok = Arrays.asList(keys);
        for (String k : a.keySet()) {
            if (k == null || (!ok.contains(k) && !k.startsWith("md."))) throw new IllegalArgumentException("unknown argument '" + k + "' (allowed: " + ok + ", md.KEY)");
        }
    }

    private static String required(Map<String, String> a, String k) {
        String v = a.get(k);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("missing " + k + "=...");
        return v.trim();
    }

    private static List<String> list(Map<String, String> a, String k, boolean requiredArg) {
        String v = requiredArg ? required(a, k) : a.getOrDefault(k, "");
        List<String> l = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) l.add(s.trim());
        if (requiredArg && l.isEmpty()) throw new IllegalArgumentException("missing " + k);
        return l;
    }

    private static double dbl(Map<String, String> a, String k, Double dflt) {
        String v = a.get(k);
        if (v == null) {
            if (dflt == null) throw new IllegalArgumentException("missing " + k + "=...");
            return dflt;
        }
        return parseDouble(v, k);
    }

    private static long integer(Map<String, String> a, String k, Integer dflt) {
        String v = a.get(k);
        if (v == null) {
            if (dflt == null) throw new IllegalArgumentException("missing " + k + "=...");
            return dflt;
        }
        return parseLong(v, k);
    }

    static double parseDouble(String s, String what) {
        try {
            double d = Double.parseDouble(s.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a finite number, not '" + s + "'");
        }
    }

    static long parseLong(String s, String what) {
        try {
            long l = Long.parseLong(s.trim());
            if (l < 0 || l > MAX_POINTS) throw new IllegalArgumentException(what + " must be within 0.." + MAX_POINTS + ", not " + l);
            return l;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer, not '" + s + "'");
        }
    }
}
