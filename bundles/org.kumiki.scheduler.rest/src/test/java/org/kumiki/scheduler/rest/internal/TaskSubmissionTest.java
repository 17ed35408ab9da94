package org.kumiki.scheduler.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.Json;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.dto.TaskSpec;

class TaskSubmissionTest {

    static TaskSubmission parse(String json) throws Exception {
        return Json.mapper().readValue(json, TaskSubmission.class);
    }

    static String refusal(String json) throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> parse(json).toSpec(""));
        assertEquals(400, e.status());
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void aCommandTaskBecomesTheSameSpec() throws Exception {
        TaskSpec s = parse("{\"name\": \"n\", \"command\": [\"sh\", \"-c\", \"echo\"], \"resources\": {\"cpus\": 2, \"walltimeSeconds\": 60},"
                + " \"dependencies\": [{\"taskId\": \"task-1\", \"type\": \"AFTER_ANY\"}], \"labels\": {\"a\": \"b\"}, \"backend\": \" \"}").toSpec("");
        assertEquals(List.of("sh", "-c", "echo"), s.command);
        assertEquals(2, s.resources.cpus);
        assertEquals(60, s.resources.walltimeSeconds);
        assertEquals(DependencyType.AFTER_ANY, s.dependencies.get(0).type);
        assertEquals("b", s.labels.get("a"));
        assertNull(s.backend, "blank means the default backend");
        assertNull(s.function);
    }

    @Test
    void aFunctionTaskTakesAnyJsonAsArguments() throws Exception {
        assertEquals("{\"x\":[1,2]}", parse("{\"function\": \"f\", \"arguments\": {\"x\": [1, 2]}}").toSpec("").arguments);
        assertEquals("7", parse("{\"function\": \"f\", \"arguments\": 7}").toSpec("").arguments);
        assertNull(parse("{\"function\": \"f\"}").toSpec("").arguments);
    }

    @Test
    void badFieldsAreOneLineNamingTheField() throws Exception {
        assertTrue(refusal("{}").startsWith("command: give 'command'"));
        assertTrue(refusal("{\"command\": [\"a\"], \"function\": \"f\"}").contains("not both"));
        assertTrue(refusal("{\"command\": [\"\"]}").startsWith("command[0]: the executable is empty"));
        assertTrue(refusal("{\"command\": [\"a\", null]}").startsWith("command[1]: is null"));
        assertTrue(refusal("{\"command\": [\"a\\u0000\"]}").contains("NUL"));
        assertTrue(refusal("{\"command\": [\"a\"], \"arguments\": 1}").startsWith("arguments:"));
        assertTrue(refusal("{\"command\": [\"a\"], \"resources\": {\"gpus\": -1}}").startsWith("resources.gpus: -1 is out of range"));
        assertTrue(refusal("{\"command\": [\"a\"], \"resources\": {\"memoryBytes\": -5}}").startsWith("resources.memoryBytes"));
        assertTrue(refusal("{\"command\": [\"a\"], \"resources\": {\"walltimeSeconds\": 99999999999}}").startsWith("resources.walltimeSeconds"));
        assertTrue(refusal("{\"command\": [\"a\"], \"priority\": 2000000}").startsWith("priority"));
        assertTrue(refusal("{\"command\": [\"a\"], \"retries\": 101}").startsWith("retries"));
        assertTrue(refusal("{\"command\": [\"a\"], \"dependencies\": [{}]}").startsWith("dependencies[0].taskId: is missing"));
        assertTrue(refusal("{\"command\": [\"a\"], \"labels\": {\"\": \"x\"}}").startsWith("labels:"));
        assertTrue(refusal("{\"command\": [\"a\"], \"name\": \"" + "n".repeat(300) + "\"}").startsWith("name:"));
        ApiException batch = assertThrows(ApiException.class, () -> parse("{\"command\": [\"a\"], \"retries\": -1}").toSpec("tasks[3]."));
        assertTrue(batch.getMessage().startsWith("tasks[3].retries"), batch.getMessage());
    }

    @Test
    void statesParseCaseInsensitivelyAndUnknownOnesAreRefused() {
        assertEquals(2, SchedulerApi.states("running, completed").size());
        assertTrue(SchedulerApi.states(null).isEmpty());
        ApiException e = assertThrows(ApiException.class, () -> SchedulerApi.states("RUNNING,DONE"));
        assertTrue(e.getMessage().startsWith("state=DONE is not one of PENDING"), e.getMessage());
    }

    @Test
    void outputTailKeepsTheLastLines(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("out"), "a\nb\nc\n");
        TaskOutputDTO o = new TaskOutputDTO();
        SchedulerApi.tail(f, 2, o);
        assertEquals(List.of("b", "c"), o.lines);
        assertTrue(o.truncated);
        SchedulerApi.tail(f, 10, o);
        assertEquals(List.of("a", "b", "c"), o.lines);
        assertFalse(o.truncated);
        assertEquals(6, o.size);
        SchedulerApi.tail(Files.writeString(dir.resolve("empty"), ""), 10, o);
        assertEquals(List.of(), o.lines);
    }

    @Test
    void ldapFilterValuesAreEscaped() {
        assertEquals("task-\\(1\\)\\*", SchedulerApi.escape("task-(1)*"));
    }
}
