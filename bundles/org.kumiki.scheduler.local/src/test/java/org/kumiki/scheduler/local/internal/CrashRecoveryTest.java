package org.kumiki.scheduler.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;

/** kill -9 in the middle of 1,000 queued and running tasks, then a restart. */
class CrashRecoveryTest {

    @Test
    void everyRecordSurvivesAKillWithATruthfulState(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), state.toString())
                .redirectErrorStream(true).start();
        String ready = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                seen.append(line).append('\n');
                if (line.startsWith("READY")) {
                    ready = line;
                    break;
                }
            }
            assertTrue(ready != null, "child did not get ready:\n" + seen);
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }

        Harness h = new Harness(state, 2, 0, 4096);
        try {
            List<TaskRecordDTO> all = h.scheduler.list(TaskFilter.all());
            // pids of the sleeps the killed JVM left behind (long-N, running at the kill): clean
            // them up whatever happens; not queued-N, which this scheduler may have started already
            for (TaskRecordDTO t : all) {
                if (t.backendJobId != null && t.spec.name.startsWith("long-") && t.spec.command.size() > 0 && "sleep".equals(t.spec.command.get(0))) {
                    ProcessHandle.of(Long.parseLong(t.backendJobId.split(":")[0])).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            assertEquals(1000, all.size(), "every record is still there");
            Map<String, TaskRecordDTO> byName = new java.util.HashMap<>();
            Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
            for (TaskRecordDTO t : all) {
                byName.put(t.spec.name, t);
                counts.merge(t.state, 1, Integer::sum);
            }
            for (int i = 0; i < 300; i++) assertEquals(TaskState.COMPLETED, byName.get("quick-" + i).state);
            TaskRecordDTO fails = byName.get("fails");
            assertEquals(TaskState.FAILED, fails.state);
            assertEquals(7, fails.exitCode);
            for (int i = 0; i < 2; i++) {
                TaskRecordDTO l = h.scheduler.await(byName.get("long-" + i).id).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(TaskState.LOST, l.state, "a local task running at the kill is LOST");
                assertTrue(l.reason.contains("outcome is unknown"), l.reason);
            }
            // long-0 was LOST, so its AFTER_OK dependents can never run
            for (int i = 0; i < 200; i++) {
                TaskRecordDTO b = h.scheduler.await(byName.get("blocked-" + i).id).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(TaskState.CANCELLED, b.state);
            }
            int queued = 0;
            for (int i = 0; i < 497; i++) {
                TaskState s = h.scheduler.get(byName.get("queued-" + i).id).get().state;
                assertTrue(s == TaskState.PENDING || s == TaskState.RUNNING, "queued task is " + s);
                if (s == TaskState.PENDING) queued++;
            }
            assertTrue(queued >= 495, "still queued: " + queued);
            // and the restarted scheduler keeps numbering after the old records
            TaskRecordDTO next = h.scheduler.submit(org.kumiki.scheduler.api.dto.TaskSpec.function("after", "noop", null));
            assertEquals("task-1001", next.id);
            for (TaskRecordDTO t : h.scheduler.list(TaskFilter.all())) {
                if (!t.state.isTerminal()) h.scheduler.cancel(t.id);
            }
        } finally {
            h.close();
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
