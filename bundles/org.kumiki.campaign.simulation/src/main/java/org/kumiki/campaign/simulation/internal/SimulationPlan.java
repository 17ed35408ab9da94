package org.kumiki.campaign.simulation.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;

/**
 * A {@code simulation} step's options, checked: fixed spec fields ({@code spec}), parameters
 * mapped onto spec fields ({@code map}, parameter name to field; absent: every parameter is the
 * field of its name) and the objectives, each a thermo column with a reducer ({@code objective:
 * {pressure: {column: press, reduce: mean, last: 5}}}). Every problem is an
 * {@link IllegalArgumentException} with a one-line message naming the option.
 */
final class SimulationPlan {

    /** Spec fields a campaign may set (public instance fields of SimulationSpec), by name. */
    static final Map<String, Field> FIELDS = new TreeMap<>();
    /** Aliases: {@code cells} sets cellsX, cellsY and cellsZ. */
    static final String CELLS = "cells";

    static {
        for (Field f : SimulationSpec.class.getFields()) {
            int m = f.getModifiers();
            Class<?> t = f.getType();
            if (!Modifier.isStatic(m) && !Modifier.isFinal(m) && !"name".equals(f.getName())
                    && (t == double.class || t == int.class || t == long.class || t == boolean.class || t == String.class)) {
                FIELDS.put(f.getName(), f);
            }
        }
    }

    /** Thermo columns by name (LAMMPS's thermo names and the DTO's field names). */
    static final Map<String, ToDoubleFunction<ThermoDTO>> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("step", t -> t.step);
        COLUMNS.put("temp", t -> t.temperature);
        COLUMNS.put("temperature", t -> t.temperature);
        COLUMNS.put("epair", t -> t.pairEnergy);
        COLUMNS.put("e_pair", t -> t.pairEnergy);
        COLUMNS.put("pairenergy", t -> t.pairEnergy);
        COLUMNS.put("etotal", t -> t.totalEnergy);
        COLUMNS.put("toteng", t -> t.totalEnergy);
        COLUMNS.put("totalenergy", t -> t.totalEnergy);
        COLUMNS.put("press", t -> t.pressure);
        COLUMNS.put("pressure", t -> t.pressure);
    }

    static final List<String> REDUCERS = List.of("mean", "final", "min", "max", "std");
    static final List<String> OPTIONS = List.of("spec", "map", "objective", "task");

    /** One objective: a column, a reducer and a window of the last rows (0 = all). */
    record Objective(String name, String column, String reduce, int last) {

        double apply(List<ThermoDTO> rows) {
            if (rows.isEmpty()) {
                throw new IllegalStateException("objective '" + name + "': the run reported no thermo rows");
            }
            List<ThermoDTO> window = last > 0 && last < rows.size() ? rows.subList(rows.size() - last, rows.size()) : rows;
            ToDoubleFunction<ThermoDTO> col = COLUMNS.get(column);
            double[] v = window.stream().mapToDouble(col).toArray();
            switch (reduce) {
                case "final":
                    return v[v.length - 1];
                case "min":
                    return java.util.Arrays.stream(v).min().getAsDouble();
                case "max":
                    return java.util.Arrays.stream(v).max().getAsDouble();
                case "std": {
                    double mean = java.util.Arrays.stream(v).average().getAsDouble();
                    double ss = 0;
                    for (double x : v) {
                        ss += (x - mean) * (x - mean);
                    }
                    return v.length < 2 ? 0 : Math.sqrt(ss / (v.length - 1));
                }
                default:
                    return java.util.Arrays.stream(v).average().getAsDouble();
            }
        }
    }

    /** A problem with the options: a one-line message and the keys leading to the value at fault. */
    static final class Problem extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final List<String> path;

        Problem(List<String> path, String message) {
            super(message);
            this.path = path;
        }
    }

    final Map<String, Object> fixed;
    /** Parameter name to spec field; null means every parameter maps to the field of its name. */
    final Map<String, String> map;
    final List<Objective> objectives;
    /** Run each point as a scheduler task; null: in the simulation service's own pool. */
    final TaskOption task;

    private SimulationPlan(Map<String, Object> fixed, Map<String, String> map, List<Objective> objectives, TaskOption task) {
        this.fixed = fixed;
        this.map = map;
        this.objectives = objectives;
        this.task = task;
    }

    static SimulationPlan parse(Map<String, Object> options) {
        for (String k : options.keySet()) {
            if (!OPTIONS.contains(k)) {
                throw new Problem(List.of(k), "unknown option '" + k + "' (known: " + String.join(", ", OPTIONS) + ")");
            }
        }
        Map<String, Object> fixed = new LinkedHashMap<>();
        Object spec = options.get("spec");
        if (spec instanceof Map) {
            ((Map<?, ?>) spec).forEach((k, v) -> fixed.put(String.valueOf(k), v));
        } else if (spec != null) {
            throw new Problem(List.of("spec"), "option 'spec' must be a map of spec fields to values");
        }
        for (Map.Entry<String, Object> e : fixed.entrySet()) {
            field("option 'spec'", e.getKey(), List.of("spec", e.getKey()));
        }
        Map<String, String> map = null;
        Object m = options.get("map");
        if (m instanceof Map) {
            map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) {
                if (!(e.getValue() instanceof String)) {
                    throw new Problem(List.of("map", String.valueOf(e.getKey())), "option 'map': parameter '" + e.getKey() + "' must map to a spec field name");
                }
                field("option 'map'", (String) e.getValue(), List.of("map", String.valueOf(e.getKey())));
                map.put(String.valueOf(e.getKey()), (String) e.getValue());
            }
        } else if (m != null) {
            throw new Problem(List.of("map"), "option 'map' must be a map of parameter names to spec fields");
        }
        Object o = options.get("objective");
        if (!(o instanceof Map) || ((Map<?, ?>) o).isEmpty()) {
            throw new Problem(o == null ? List.of() : List.of("objective"), "option 'objective' is missing: give {NAME: {column: press, reduce: mean, last: 5}}");
        }
        List<Objective> objectives = new ArrayList<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
            String name = String.valueOf(e.getKey());
            String where = "option 'objective." + name + "'";
            if (!(e.getValue() instanceof Map)) {
                throw new Problem(List.of("objective", name), where + " must be a map with column, reduce and last");
            }
            Map<?, ?> def = (Map<?, ?>) e.getValue();
            for (Object k : def.keySet()) {
                if (!List.of("column", "reduce", "last").contains(String.valueOf(k))) {
                    throw new Problem(List.of("objective", name, String.valueOf(k)), where + ": unknown key '" + k + "' (known: column, reduce, last)");
                }
            }
            if (!(def.get("column") instanceof String)) {
                throw new Problem(List.of("objective", name), where + ": 'column' is missing (known: " + String.join(", ", COLUMNS.keySet()) + ")");
            }
            String column = ((String) def.get("column")).toLowerCase(Locale.ROOT);
            if (!COLUMNS.containsKey(column)) {
                throw new Problem(List.of("objective", name, "column"), where + ": unknown thermo column '" + def.get("column") + "' (known: "
                        + String.join(", ", COLUMNS.keySet()) + ")");
            }
            String reduce = def.get("reduce") == null ? "mean" : String.valueOf(def.get("reduce")).toLowerCase(Locale.ROOT);
            if ("last".equals(reduce)) {
                reduce = "final";
            }
            if (!REDUCERS.contains(reduce)) {
                throw new Problem(List.of("objective", name, "reduce"), where + ": unknown reducer '" + def.get("reduce") + "' (known: " + String.join(", ", REDUCERS) + ")");
            }
            Object last = def.get("last");
            int window = 0;
            if (last != null) {
                if (!(last instanceof Number) || ((Number) last).doubleValue() != Math.rint(((Number) last).doubleValue())
                        || ((Number) last).intValue() < 1) {
                    throw new Problem(List.of("objective", name, "last"), where + ": 'last' must be a whole number of rows >= 1, got " + last);
                }
                window = ((Number) last).intValue();
            }
            objectives.add(new Objective(name, column, reduce, window));
        }
        return new SimulationPlan(fixed, map, objectives, TaskOption.parse(options.get("task")));
    }

    private static void field(String where, String name, List<String> path) {
        if (!CELLS.equals(name) && !FIELDS.containsKey(name)) {
            throw new Problem(path, where + ": unknown spec field '" + name + "' (known: cells, " + String.join(", ", FIELDS.keySet()) + ")");
        }
    }

    /** The spec of one point: the fixed fields, then the mapped parameters. */
    SimulationSpec spec(Map<String, Object> point) {
        SimulationSpec spec = new SimulationSpec();
        fixed.forEach((k, v) -> set(spec, "option 'spec." + k + "'", k, v));
        if (map == null) {
            for (Map.Entry<String, Object> e : point.entrySet()) {
                if (!CELLS.equals(e.getKey()) && !FIELDS.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' is not a spec field; map it with option 'map' (known fields: cells, "
                            + String.join(", ", FIELDS.keySet()) + ")");
                }
                set(spec, "parameter '" + e.getKey() + "'", e.getKey(), e.getValue());
            }
        } else {
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (!point.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("option 'map': unknown parameter '" + e.getKey() + "' (the point has: "
                            + String.join(", ", point.keySet()) + ")");
                }
                set(spec, "parameter '" + e.getKey() + "'", e.getValue(), point.get(e.getKey()));
            }
        }
        return spec;
    }

    private static void set(SimulationSpec spec, String where, String name, Object value) {
        if (CELLS.equals(name)) {
            long cells = whole(where, value);
            if (cells < 1 || cells > 1000) {
                throw new IllegalArgumentException(where + ": 'cells' must be 1 to 1000, got " + value);
            }
            int n = (int) cells;
            spec.cellsX = n;
            spec.cellsY = n;
            spec.cellsZ = n;
            return;
        }
        Field f = FIELDS.get(name);
        Class<?> t = f.getType();
        try {
            if (t == double.class) {
                if (!(value instanceof Number)) {
                    throw new IllegalArgumentException(where + ": spec field '" + name + "' needs a number, got " + value);
                }
                f.setDouble(spec, ((Number) value).doubleValue());
            } else if (t == int.class) {
                long n = whole(where, value);
                if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
                    throw new IllegalArgumentException(where + ": spec field '" + name + "' is out of range: " + value);
                }
                f.setInt(spec, (int) n);
            } else if (t == long.class) {
                f.setLong(spec, whole(where, value));
            } else if (t == boolean.class) {
                if (!(value instanceof Boolean)) {
                    throw new IllegalArgumentException(where + ": spec field '" + name + "' needs true or false, got " + value);
                }
                f.setBoolean(spec, (Boolean) value);
            } else {
                if (value == null || value instanceof Map || value instanceof List) {
                    throw new IllegalArgumentException(where + ": spec field '" + name + "' needs a string, got " + value);
                }
                f.set(spec, String.valueOf(value));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(where + ": cannot set spec field '" + name + "': " + e.getMessage());
        }
    }

    private static long whole(String where, Object value) {
        if (!(value instanceof Number) || ((Number) value).doubleValue() != Math.rint(((Number) value).doubleValue())
                || Math.abs(((Number) value).doubleValue()) > 9.0e15) {
            throw new IllegalArgumentException(where + " needs a whole number, got " + value);
        }
        return ((Number) value).longValue();
    }

    /** The objective values of a finished run's thermo rows. */
    Map<String, Double> values(List<ThermoDTO> thermo) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Objective o : objectives) {
            out.put(o.name(), o.apply(thermo));
        }
        return out;
    }
}
