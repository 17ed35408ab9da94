package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.dto.TaskSpec;

class JsonAndRestTest {

    @Test
    void jsonRoundTripsHostileStrings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001'; rm -rf / #$(x)\u00e9");
        m.put("n", 12L);
        m.put("l", List.of(true, false, "x"));
        m.put("z", null);
        String w = Json.write(m);
        assertEquals(m, Json.parse(w));
        assertEquals(1.5, Json.parse(" 1.5 "));
        assertEquals("\u00e9/", Json.parse("\"\\u00e9\\/\""));
    }

    @Test
    void malformedJsonIsRefused() {
        for (String bad : List.of("", "{", "[1,", "{\"a\" 1}", "\"abc", "tru", "{} x", "-", "{\"a\":1,}")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void parsesJobsWithRawWaitStatus() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) Json.parse("{\"meta\":{},\"errors\":[],\"jobs\":["
                + "{\"job_id\":13,\"job_state\":\"FAILED\",\"exit_code\":1792,\"state_reason\":\"NonZeroExitCode\"},"
                + "{\"job_id\":14,\"job_state\":\"CANCELLED\",\"exit_code\":15,\"state_reason\":\"None\"},"
                + "{\"job_id\":15,\"job_state\":\"PENDING\",\"exit_code\":0,\"state_reason\":\"Dependency\"},"
                + "{\"job_state\":\"RUNNING\"}]}");
        Map<String, SlurmStatus> m = SlurmRest.parseJobs(r);
        assertEquals(3, m.size());
        assertEquals(7, m.get("13").exitCode);
        assertEquals(0, m.get("13").signal);
        assertEquals(15, m.get("14").signal);
        assertNull(m.get("14").reason);
        assertTrue(m.get("15").isActive());
    }

    @Test
    void errorsBecomeOneLine() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) Json.parse("{\"errors\":[{\"error_code\":2000,"
                + "\"error\":\"Invalid partition name specified\"},{\"error\":\"Invalid job id specified\","
                + "\"description\":\"Unable to find JobId=9\"}]}");
        assertEquals("Invalid partition name specified; Invalid job id specified: Unable to find JobId=9", SlurmRest.errors(r));
        assertNull(SlurmRest.errors(Map.of("errors", List.of())));
    }

    @Test
    void jobPropertiesMirrorSbatchOptions() {
        TaskSpec spec = TaskSpec.command("j", "true");
        spec.resources.cpus = 2;
        spec.resources.gpus = 1;
        spec.resources.memoryBytes = 1;
        spec.resources.walltimeSeconds = 61;
        Map<String, Object> j = SlurmRest.jobProperties("task-1", spec, Path.of("/w"), List.of("afterok:3"),
                new BatchJob.Defaults("debug", "proj"), Map.of());
        assertEquals("j", j.get("name"));
        assertEquals(2, j.get("cpus_per_task"));
        assertEquals("gpu:1", j.get("gres"));
        assertEquals(1L, j.get("memory_per_node"));
        assertEquals(2L, j.get("time_limit"));
        assertEquals("debug", j.get("partition"));
        assertEquals("proj", j.get("account"));
        assertEquals("/w/stdout", j.get("standard_output"));
        assertEquals("afterok:3", j.get("dependency"));
        assertEquals(Boolean.FALSE, j.get("requeue"));
        assertTrue(((Map<?, ?>) j.get("environment")).containsKey("PATH"));
        assertThrows(IllegalArgumentException.class, () -> SlurmRest.jobProperties("t", spec, Path.of("/w"),
                List.of("afterok:1,singleton"), new BatchJob.Defaults(null, null), Map.of()));
    }
}
