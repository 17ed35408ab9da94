package org.kumiki.campaign.simulation.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code simulation} step's {@code task} option, checked: run each point as a scheduler task of
 * the function {@value #FUNCTION} instead of in the container's own simulation pool.
 * {@code task: {backend: slurm, partition: debug, cpus: 2, walltime: 10m}}; every key is optional
 * ({@code task: {}} is the scheduler's default backend). Problems are
 * {@link SimulationPlan.Problem}s naming the key at fault.
 */
record TaskOption(String backend, String partition, int cpus, long walltimeSeconds) {

    /** The simulation bundle's scheduler function: arguments {@code {"spec": {...}, "thermo": true}}. */
    static final String FUNCTION = "kumiki.simulation.run";
    static final List<String> KEYS = List.of("backend", "partition", "cpus", "walltime");
    static final int MAX_CPUS = 4096;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smhd]?)");

    static TaskOption parse(Object option) {
        if (option == null) {
            return null;
        }
        if (!(option instanceof Map)) {
            throw new SimulationPlan.Problem(List.of("task"),
                    "option 'task' must be a map, e.g. {backend: slurm, partition: debug, cpus: 1, walltime: 10m}");
        }
        Map<?, ?> m = (Map<?, ?>) option;
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new SimulationPlan.Problem(List.of("task", String.valueOf(k)),
                        "option 'task': unknown key '" + k + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String backend = name(m, "backend");
        String partition = name(m, "partition");
        int cpus = 1;
        Object c = m.get("cpus");
        if (c != null) {
            if (!(c instanceof Number) || ((Number) c).doubleValue() != Math.rint(((Number) c).doubleValue())
                    || ((Number) c).doubleValue() < 1 || ((Number) c).doubleValue() > MAX_CPUS) {
                throw new SimulationPlan.Problem(List.of("task", "cpus"), "option 'task.cpus' must be a whole number 1 to " + MAX_CPUS + ", got " + c);
            }
            cpus = ((Number) c).intValue();
        }
        return new TaskOption(backend, partition, cpus, walltime(m.get("walltime")));
    }

    private static String name(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String) || !NAME.matcher((String) v).matches()) {
            throw new SimulationPlan.Problem(List.of("task", key), "option 'task." + key
                    + "' must be a name of letters, digits, '_', '.' or '-' (at most 64), got " + v);
        }
        return (String) v;
    }

    /** Seconds: a whole number of seconds, or a string {@code N}, {@code Ns}, {@code Nm}, {@code Nh}, {@code Nd}; 0 = unlimited. */
    static long walltime(Object v) {
        if (v == null) {
            return 0;
        }
        String bad = "option 'task.walltime' must be seconds or a duration like 90s, 10m, 2h, 1d, got " + v;
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d) || d < 0 || d > 366L * 86400) {
                throw new SimulationPlan.Problem(List.of("task", "walltime"), bad);
            }
            return (long) d;
        }
        Matcher x = v instanceof String ? DURATION.matcher(((String) v).trim().toLowerCase(Locale.ROOT)) : null;
        if (x == null || !x.matches()) {
            throw new SimulationPlan.Problem(List.of("task", "walltime"), bad);
        }
        long n = Long.parseLong(x.group(1));
        long unit = switch (x.group(2)) {
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            default -> 1;
        };
        if (n * unit > 366L * 86400) {
            throw new SimulationPlan.Problem(List.of("task", "walltime"), bad + " (at most 366 days)");
        }
        return n * unit;
    }
}
