package org.kumiki.campaign.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.spi.EvaluationResult;

/** The command evaluator's {@code provenance} output object and the task id it adds. */
class CommandEvaluatorProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheProgramsProvenanceIdentifiersAndAddsTheTaskId() {
        EvaluationResult r = new CommandEvaluator(new CommandEvaluatorTest.FakeScheduler(), dir).parse("task-9",
                "{\"f\": 1, \"provenance\": {\"runUid\": \"r-1\", \"sha256\": \"abc\", \"transferId\": 42, \"nested\": {\"x\": 1}, \"none\": null}}");
        assertEquals(Map.of("f", 1.0), r.values);
        assertEquals(Map.of("runUid", "r-1", "sha256", "abc", "transferId", "42", "taskId", "task-9"), r.provenance);
    }

    @Test
    void theTaskIdIsRecordedEvenWithoutAProvenanceObject() {
        EvaluationResult r = new CommandEvaluator(new CommandEvaluatorTest.FakeScheduler(), dir).parse("task-3", "{\"f\": 2, \"provenance\": \"not an object\"}");
        assertEquals(Map.of("taskId", "task-3"), r.provenance);
    }
}
