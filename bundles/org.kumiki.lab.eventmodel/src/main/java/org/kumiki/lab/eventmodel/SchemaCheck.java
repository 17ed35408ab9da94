package org.kumiki.lab.eventmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks documents against the definitions of event-model's published JSON schemas
 * (bluesky/event-model, src/event_model/schemas/*.json): required fields, field types, enums,
 * additionalProperties/unevaluatedProperties and the DataType pattern ("^([^./]+)$") for extra
 * keys. Returns the violations (empty: valid).
 */
public final class SchemaCheck {

    private SchemaCheck() {
    }

    public static List<String> check(String name, Map<String, Object> doc) {
        List<String> v = new ArrayList<>();
        if (doc == null) {
            v.add(name + ": null document");
            return v;
        }
        switch (name) {
            case "start" -> {
                // run_start.json: required time, uid; additionalProperties false; extra keys match ^([^./]+)$
                required(v, name, doc, "uid", "time");
                type(v, name, doc, "uid", "string");
                type(v, name, doc, "time", "number");
                type(v, name, doc, "scan_id", "integer");
                type(v, name, doc, "project", "string");
                type(v, name, doc, "group", "string");
                type(v, name, doc, "owner", "string");
                type(v, name, doc, "data_session", "string");
                type(v, name, doc, "data_groups", "array");
                type(v, name, doc, "projections", "array");
                if (doc.containsKey("sample") && !(doc.get("sample") instanceof Map || doc.get("sample") instanceof String)) v.add(name + ".sample: object or string");
                if (doc.containsKey("hints")) {
                    if (!(doc.get("hints") instanceof Map<?, ?> h)) v.add(name + ".hints: object");
                    else if (h.containsKey("dimensions")) dimensions(v, h.get("dimensions"));
                }
                dataTypeKeys(v, name, doc, Set.of("uid", "time", "scan_id", "project", "group", "owner", "data_session", "data_groups", "projections", "sample", "hints", "data_type"));
            }
            case "descriptor" -> {
                // event_descriptor.json: required data_keys, run_start, time, uid; additionalProperties false
                required(v, name, doc, "uid", "data_keys", "run_start", "time");
                type(v, name, doc, "uid", "string");
                type(v, name, doc, "run_start", "string");
                type(v, name, doc, "time", "number");
                type(v, name, doc, "name", "string");
                type(v, name, doc, "data_keys", "object");
                type(v, name, doc, "configuration", "object");
                type(v, name, doc, "object_keys", "object");
                type(v, name, doc, "hints", "object");
                if (doc.get("data_keys") instanceof Map<?, ?> keys) {
                    for (Map.Entry<?, ?> e : keys.entrySet()) dataKey(v, String.valueOf(e.getKey()), e.getValue());
                }
                dataTypeKeys(v, name, doc, Set.of("uid", "data_keys", "run_start", "time", "name", "configuration", "object_keys", "object_classes", "hints", "data_type"));
            }
            case "event" -> {
                // event.json: required descriptor, seq_num, uid (+ data, time, timestamps from PartialEvent); unevaluatedProperties false
                required(v, name, doc, "uid", "descriptor", "seq_num", "data", "time", "timestamps");
                type(v, name, doc, "uid", "string");
                type(v, name, doc, "descriptor", "string");
                type(v, name, doc, "seq_num", "integer");
                type(v, name, doc, "time", "number");
                type(v, name, doc, "data", "object");
                type(v, name, doc, "timestamps", "object");
                type(v, name, doc, "filled", "object");
                if (doc.get("filled") instanceof Map<?, ?> f) {
                    for (Object x : f.values()) if (!(x instanceof Boolean || x instanceof String)) v.add("event.filled values: boolean or string");
                }
                only(v, name, doc, Set.of("uid", "descriptor", "seq_num", "data", "time", "timestamps", "filled"));
            }
            case "resource" -> {
                // resource.json: required resource_kwargs, resource_path, root, spec, uid; path_semantics enum; unevaluatedProperties false
                required(v, name, doc, "uid", "spec", "root", "resource_path", "resource_kwargs");
                type(v, name, doc, "uid", "string");
                type(v, name, doc, "spec", "string");
                type(v, name, doc, "root", "string");
                type(v, name, doc, "resource_path", "string");
                type(v, name, doc, "resource_kwargs", "object");
                type(v, name, doc, "run_start", "string");
                if (doc.containsKey("path_semantics") && !Set.of("posix", "windows").contains(doc.get("path_semantics"))) v.add("resource.path_semantics: posix or windows");
                only(v, name, doc, Set.of("uid", "spec", "root", "resource_path", "resource_kwargs", "path_semantics", "run_start"));
            }
            case "datum" -> {
                // datum.json: required datum_id, datum_kwargs, resource; additionalProperties false
                required(v, name, doc, "datum_id", "datum_kwargs", "resource");
                type(v, name, doc, "datum_id", "string");
                type(v, name, doc, "resource", "string");
                type(v, name, doc, "datum_kwargs", "object");
                only(v, name, doc, Set.of("datum_id", "datum_kwargs", "resource"));
            }
            case "stop" -> {
                // run_stop.json: required exit_status, run_start, time, uid; exit_status enum; num_events integer values
                required(v, name, doc, "uid", "run_start", "time", "exit_status");
                type(v, name, doc, "uid", "string");
                type(v, name, doc, "run_start", "string");
                type(v, name, doc, "time", "number");
                type(v, name, doc, "reason", "string");
                type(v, name, doc, "num_events", "object");
                if (!Set.of("success", "abort", "fail").contains(doc.get("exit_status"))) v.add("stop.exit_status: success, abort or fail, not " + doc.get("exit_status"));
                if (doc.get("num_events") instanceof Map<?, ?> n) {
                    for (Object x : n.values()) if (!isInteger(x)) v.add("stop.num_events values: integer");
                }
                dataTypeKeys(v, name, doc, Set.of("uid", "run_start", "time", "exit_status", "reason", "num_events", "data_type"));
            }
            default -> v.add("unknown document name '" + name + "'");
        }
        return v;
    }

    private static void dimensions(List<String> v, Object dims) {
        if (!(dims instanceof List<?> l)) {
            v.add("start.hints.dimensions: array");
            return;
        }
        for (Object d : l) {
            if (!(d instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof List<?> fields) || !(pair.get(1) instanceof String)) {
                v.add("start.hints.dimensions entries: [[FIELD...], STREAM]");
                continue;
            }
            for (Object f : fields) if (!(f instanceof String)) v.add("start.hints.dimensions fields: strings");
        }
    }

    private static void dataKey(List<String> v, String key, Object o) {
        if (!(o instanceof Map<?, ?> k)) {
            v.add("data_keys." + key + ": object");
            return;
        }
        for (String r : List.of("source", "dtype", "shape")) if (!k.containsKey(r)) v.add("data_keys." + key + ": missing " + r);
        if (!Set.of("string", "number", "array", "boolean", "integer").contains(k.get("dtype"))) v.add("data_keys." + key + ".dtype: bad " + k.get("dtype"));
        if (!(k.get("source") instanceof String)) v.add("data_keys." + key + ".source: string");
        if (!(k.get("shape") instanceof List<?> shape)) {
            v.add("data_keys." + key + ".shape: array");
        } else {
            for (Object i : shape) if (!isInteger(i)) v.add("data_keys." + key + ".shape items: integer");
        }
        if (k.containsKey("units") && !(k.get("units") == null || k.get("units") instanceof String)) v.add("data_keys." + key + ".units: string or null");
        if (k.containsKey("precision") && !(k.get("precision") == null || isInteger(k.get("precision")))) v.add("data_keys." + key + ".precision: integer or null");
        if (k.containsKey("external") && !(k.get("external") instanceof String s && s.matches("^[A-Z]+:?.*"))) v.add("data_keys." + key + ".external: pattern ^[A-Z]+:?");
        if (k.containsKey("limits")) {
            if (!(k.get("limits") instanceof Map<?, ?> lim)) {
                v.add("data_keys." + key + ".limits: object");
            } else {
                for (Map.Entry<?, ?> e : lim.entrySet()) {
                    // Limits: additionalProperties false
                    if (!Set.of("control", "display", "warning", "alarm", "hysteresis", "rds").contains(e.getKey())) v.add("data_keys." + key + ".limits." + e.getKey() + ": not allowed");
                    if (Set.of("control", "display", "warning", "alarm").contains(e.getKey()) && e.getValue() != null) {
                        if (!(e.getValue() instanceof Map<?, ?> range) || !range.containsKey("low") || !range.containsKey("high")) {
                            v.add("data_keys." + key + ".limits." + e.getKey() + ": {low, high} required");
                        } else {
                            for (Map.Entry<?, ?> b : range.entrySet()) {
                                if (!Set.of("low", "high").contains(b.getKey())) v.add("limits range: only low and high");
                                if (!(b.getValue() == null || b.getValue() instanceof Number)) v.add("limits range values: number or null");
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean isInteger(Object o) {
        return o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte
                || (o instanceof Double d && d == Math.rint(d) && !d.isInfinite());
    }

    private static void required(List<String> v, String name, Map<String, Object> doc, String... keys) {
        for (String k : keys) if (!doc.containsKey(k) || doc.get(k) == null) v.add(name + ": missing required " + k);
    }

    private static void type(List<String> v, String name, Map<String, Object> doc, String key, String type) {
        if (!doc.containsKey(key)) return;
        Object o = doc.get(key);
        boolean ok = switch (type) {
            case "string" -> o instanceof String;
            case "number" -> o instanceof Number;
            case "integer" -> isInteger(o);
            case "object" -> o instanceof Map;
            case "array" -> o instanceof Collection || (o != null && o.getClass().isArray());
            default -> false;
        };
        if (!ok) v.add(name + "." + key + ": must be " + type + ", is " + (o == null ? "null" : o.getClass().getSimpleName()));
    }

    private static void only(List<String> v, String name, Map<String, Object> doc, Set<String> allowed) {
        for (String k : doc.keySet()) if (!allowed.contains(k)) v.add(name + ": property '" + k + "' is not allowed");
    }

    /** additionalProperties false + patternProperties "^([^./]+)$" -> DataType (recursively, for object values). */
    private static void dataTypeKeys(List<String> v, String name, Map<String, Object> doc, Set<String> declared) {
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            if (declared.contains(e.getKey())) continue;
            dataType(v, name + "." + e.getKey(), e.getKey(), e.getValue());
        }
    }

    private static void dataType(List<String> v, String path, String key, Object value) {
        if (!key.matches("^([^./]+)$")) {
            v.add(path + ": key may not contain '.' or '/'");
            return;
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) dataType(v, path + "." + e.getKey(), String.valueOf(e.getKey()), e.getValue());
        }
    }
}
