package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;

class WorkerExecutionTest {

    @Test
    void functionTasksBecomeWorkerCommandsAndReportTheirResult(@TempDir Path dir) throws Exception {
        TaskSpec f = TaskSpec.function("hw", "kumiki.hardware", "{\"a\":1}");
        f.resources.cpus = 4;
        f.partition = "gpu";
        TaskSpec cmd = WorkerExecution.asCommand(f, "/opt/java/bin/java", "/srv/worker.jar", dir.resolve("args.json"), dir.resolve("result.json"));
        assertEquals(List.of("/opt/java/bin/java", "-Dkumiki.worker.function=kumiki.hardware", "-Dkumiki.worker.arguments.file=" + dir.resolve("args.json"),
                "-Dkumiki.worker.result.file=" + dir.resolve("result.json"), "-jar", "/srv/worker.jar"), cmd.command);
        assertEquals(4, cmd.resources.cpus);
        assertEquals("gpu", cmd.partition);
        assertEquals(null, cmd.function);

        FakeExecution ok = new FakeExecution("task-1", f, dir);
        Files.writeString(dir.resolve("result.json"), "{\"cpuCores\":2}");
        new WorkerExecution(ok, dir.resolve("result.json")).exited(0, null);
        assertEquals("COMPLETED {\"cpuCores\":2}", ok.terminal.get());

        FakeExecution missing = new FakeExecution("task-2", f, dir);
        new WorkerExecution(missing, dir.resolve("nope.json")).exited(0, null);
        assertTrue(missing.terminal.get().startsWith("FAILED: the worker exited 0 but left no result"), missing.terminal.get());

        FakeExecution unknown = new FakeExecution("task-3", f, dir);
        new WorkerExecution(unknown, dir.resolve("result.json")).exited(2, "exit code 2");
        assertTrue(unknown.terminal.get().contains("could not run the function"), unknown.terminal.get());
    }
}
