package org.kumiki.campaign.lab.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.campaign.api.spi.OptionProblem;

/**
 * A {@code lab} step's options, as written in the campaign file:
 *
 * <pre>
 * options:
 *   set: {robot1.ratio_a: ratio_a, robot1.ratio_b: ratio_b, robot1.temperature: temperature}
 *   trigger: [spec1]                 # triggered and read in the run's one event (default: every device named)
 *   objective: {yield: spec1.yield}  # objective name: reading (device.field, or a data key as the device reports it)
 *   settle: 0                        # seconds to wait after the set points arrived (default 0)
 *   timeout: 600                     # seconds the run may take before it is aborted (default 600)
 * </pre>
 *
 * A {@code set} key {@code device.field} makes the device's set point a recipe (a map of field to
 * value, as the synthesis robot takes); a bare {@code device} sets it to one value (a motor, an OPC
 * UA set point node). A value that is a string names a parameter of the campaign; a number or
 * boolean is a constant.
 */
final class LabOptions {
    static final Set<String> KEYS = Set.of("set", "trigger", "objective", "settle", "timeout", "metadata");
    static final double DEFAULT_TIMEOUT = 600;

    /** Device to what it is set to: a parameter name (String) or a constant, or for recipes a map field to those. */
    final Map<String, Object> set = new LinkedHashMap<>();
    /** Devices triggered and read in the event. */
    final List<String> trigger = new ArrayList<>();
    /** Objective name to reading as written ({@code spec1.yield}). */
    final Map<String, String> objective = new LinkedHashMap<>();
    final Map<String, Object> metadata = new LinkedHashMap<>();
    /** Whether 'trigger' was written (else it is every device named, and only those are checked). */
    boolean triggerGiven;
    double settle;
    double timeout = DEFAULT_TIMEOUT;
    final List<OptionProblem> problems = new ArrayList<>();

    /** Parses the options; {@link #problems} lists what is wrong, one line each, with the option's path. */
    static LabOptions parse(Map<String, Object> options) {
        LabOptions o = new LabOptions();
        if (options == null) {
            options = Map.of();
        }
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                o.problems.add(OptionProblem.of("unknown option '" + k + "' (known: metadata, objective, set, settle, timeout, trigger)", k));
            }
        }
        Object set = options.get("set");
        if (!(set instanceof Map<?, ?> sm) || sm.isEmpty()) {
            o.problems.add(OptionProblem.of("'set' must be an object of device or device.field to a parameter name or a number", set == null ? new String[0] : new String[] {"set"}));
        } else {
            Set<String> scalar = new LinkedHashSet<>();
            for (Map.Entry<?, ?> e : sm.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object v = e.getValue();
                if (!(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
                    o.problems.add(OptionProblem.of("set '" + key + "': the value must be a parameter name or a number", "set", key));
                    continue;
                }
                int dot = key.indexOf('.');
                String device = dot < 0 ? key : key.substring(0, dot);
                String field = dot < 0 ? null : key.substring(dot + 1);
                if (device.isEmpty() || (field != null && field.isEmpty())) {
                    o.problems.add(OptionProblem.of("set '" + key + "': expected device or device.field", "set", key));
                    continue;
                }
                Object prev = o.set.get(device);
                if (field == null) {
                    if (prev != null) {
                        o.problems.add(OptionProblem.of("set '" + key + "': device '" + device + "' is set twice (a value and fields)", "set", key));
                        continue;
                    }
                    scalar.add(device);
                    o.set.put(device, v);
                } else {
                    if (scalar.contains(device)) {
                        o.problems.add(OptionProblem.of("set '" + key + "': device '" + device + "' is set twice (a value and fields)", "set", key));
                        continue;
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> recipe = (Map<String, Object>) o.set.computeIfAbsent(device, d -> new LinkedHashMap<String, Object>());
                    recipe.put(field, v);
                }
            }
        }
        Object obj = options.get("objective");
        if (!(obj instanceof Map<?, ?> om) || om.isEmpty()) {
            o.problems.add(OptionProblem.of("'objective' must be an object of objective name to a reading (device.field)", obj == null ? new String[0] : new String[] {"objective"}));
        } else {
            for (Map.Entry<?, ?> e : om.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof String s) || s.isBlank()) {
                    o.problems.add(OptionProblem.of("objective '" + key + "': the reading must be a string such as spec1.yield", "objective", key));
                } else {
                    o.objective.put(key, s);
                }
            }
        }
        Object trig = options.get("trigger");
        if (trig != null) {
            o.triggerGiven = true;
            if (!(trig instanceof List<?> tl) || tl.isEmpty()) {
                o.problems.add(OptionProblem.of("'trigger' must be a list of device names", "trigger"));
            } else {
                for (int i = 0; i < tl.size(); i++) {
                    if (!(tl.get(i) instanceof String s) || s.isBlank()) {
                        o.problems.add(OptionProblem.of("trigger: item " + (i + 1) + " must be a device name", "trigger", Integer.toString(i)));
                    } else if (!o.trigger.contains(s)) {
                        o.trigger.add(s);
                    }
                }
            }
        } else {
            o.trigger.addAll(o.set.keySet());
            for (String r : o.objective.values()) {
                String d = deviceOf(r);
                if (!o.trigger.contains(d)) {
                    o.trigger.add(d);
                }
            }
        }
        o.settle = seconds(options, "settle", 0, o.problems);
        o.timeout = seconds(options, "timeout", DEFAULT_TIMEOUT, o.problems);
        if (o.timeout == 0) {
            o.problems.add(OptionProblem.of("'timeout' must be more than 0 seconds", "timeout"));
        }
        Object md = options.get("metadata");
        if (md instanceof Map<?, ?> mm) {
            mm.forEach((k, v) -> o.metadata.put(String.valueOf(k), v));
        } else if (md != null) {
            o.problems.add(OptionProblem.of("'metadata' must be an object", "metadata"));
        }
        return o;
    }

    private static double seconds(Map<String, Object> options, String key, double dflt, List<OptionProblem> problems) {
        Object v = options.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > 7 * 86400) {
            problems.add(OptionProblem.of("'" + key + "' must be a number of seconds in [0, 604800]", key));
            return dflt;
        }
        return n.doubleValue();
    }

    /** The device of a reading written as {@code device.field} or a data key {@code device_field}. */
    static String deviceOf(String reading) {
        int dot = reading.indexOf('.');
        return dot < 0 ? reading : reading.substring(0, dot);
    }

    /** The data keys a reading may have in an event, in the order tried. */
    static List<String> dataKeys(String reading) {
        int dot = reading.indexOf('.');
        return dot < 0 ? List.of(reading) : List.of(reading, reading.substring(0, dot) + "_" + reading.substring(dot + 1));
    }

    /** Resolves parameter names to the point's values: device to its set point. */
    Map<String, Object> setpoints(Map<String, Object> point) {
        Map<String, Object> out = new LinkedHashMap<>();
        set.forEach((device, v) -> {
            if (v instanceof Map<?, ?> recipe) {
                Map<String, Object> r = new LinkedHashMap<>();
                recipe.forEach((f, x) -> r.put(String.valueOf(f), value(x, point)));
                out.put(device, r);
            } else {
                out.put(device, value(v, point));
            }
        });
        return out;
    }

    private static Object value(Object v, Map<String, Object> point) {
        if (v instanceof String name) {
            if (!point.containsKey(name)) {
                throw new IllegalArgumentException("the point has no parameter '" + name + "'");
            }
            return point.get(name);
        }
        return v;
    }

    /** The parameter names the set points use. */
    Map<String, String[]> parameterUses() {
        Map<String, String[]> uses = new LinkedHashMap<>();
        set.forEach((device, v) -> {
            if (v instanceof Map<?, ?> recipe) {
                recipe.forEach((f, x) -> {
                    if (x instanceof String s) {
                        uses.put(device + "." + f, new String[] {s});
                    }
                });
            } else if (v instanceof String s) {
                uses.put(device, new String[] {s});
            }
        });
        return uses;
    }
}
