package org.kumiki.lab.eventmodel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The schema checks can fail: malformed documents are caught. */
class SchemaCheckTest {

    @Test
    void catchesMalformedDocuments() {
        assertFalse(SchemaCheck.check("start", Map.of("uid", "x")).isEmpty(), "missing time");
        assertFalse(SchemaCheck.check("start", Map.of("uid", "x", "time", 1.0, "a.b", 1)).isEmpty(), "dotted key");
        assertFalse(SchemaCheck.check("start", Map.of("uid", "x", "time", 1.0, "md", Map.of("a/b", 1))).isEmpty(), "nested slash key");
        assertFalse(SchemaCheck.check("start", Map.of("uid", "x", "time", "yesterday")).isEmpty(), "time type");
        assertTrue(SchemaCheck.check("start", Map.of("uid", "x", "time", 1.0, "plan_name", "count")).isEmpty());
        assertFalse(SchemaCheck.check("stop", Map.of("uid", "x", "time", 1.0, "run_start", "r", "exit_status", "maybe")).isEmpty(), "enum");
        assertFalse(SchemaCheck.check("event", Map.of("uid", "x", "time", 1.0, "descriptor", "d", "seq_num", 1.5, "data", Map.of(), "timestamps", Map.of())).isEmpty(), "seq_num integer");
        assertFalse(SchemaCheck.check("event", Map.of("uid", "x", "time", 1.0, "descriptor", "d", "seq_num", 1, "data", Map.of(), "timestamps", Map.of(), "extra", 1)).isEmpty(), "unevaluated");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("uid", "d");
        d.put("time", 1.0);
        d.put("run_start", "r");
        d.put("data_keys", Map.of("k", Map.of("source", "s", "dtype", "float", "shape", List.of())));
        assertFalse(SchemaCheck.check("descriptor", d).isEmpty(), "dtype enum");
        d.put("data_keys", Map.of("k", Map.of("source", "s", "dtype", "number", "shape", List.of(), "limits", Map.of("control", Map.of("low", 1)))));
        assertFalse(SchemaCheck.check("descriptor", d).isEmpty(), "limits range needs high");
        assertFalse(SchemaCheck.check("datum", Map.of("datum_id", "a", "resource", "r")).isEmpty(), "datum_kwargs");
        assertFalse(SchemaCheck.check("resource", Map.of("uid", "a", "spec", "s", "root", "", "resource_path", "p", "resource_kwargs", Map.of(), "path_semantics", "dos")).isEmpty());
    }
}
