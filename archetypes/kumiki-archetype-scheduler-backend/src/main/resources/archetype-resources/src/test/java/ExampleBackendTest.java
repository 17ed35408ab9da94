package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** Unit tests: the component is a plain object, built with {@code new}. */
class ExampleBackendTest {
    @TempDir
    Path dir;
    final ExampleBackend backend = new ExampleBackend(config(2));

    @AfterEach
    void stop() {
        backend.deactivate();
    }

    @Test
    void runsACommandAndReportsItsExitCode() throws Exception {
        RecordingExecution ok = new RecordingExecution(TaskSpec.command("ok", "sh", "-c", "echo hello"), dir);
        backend.start(ok);
        assertEquals("exited 0", ok.awaitEnd());
        assertNotNull(ok.backendJobId);
        assertEquals("hello\n", Files.readString(dir.resolve("stdout")));

        RecordingExecution bad = new RecordingExecution(TaskSpec.command("bad", "sh", "-c", "exit 3"), dir);
        backend.start(bad);
        assertEquals("exited 3", bad.awaitEnd());
    }

    @Test
    void cancelsARunningTask() throws Exception {
        RecordingExecution e = new RecordingExecution(TaskSpec.command("sleepy", "sleep", "600"), dir);
        backend.start(e);
        e.cancelRequested = true;
        backend.cancel(e);
        assertEquals("cancelled cancelled", e.awaitEnd());
    }

    @Test
    void rejectsWhatItCanNeverRun() {
        TaskSpec gpu = TaskSpec.command("gpu", "true");
        gpu.resources.gpus = 1;
        assertEquals("the example backend has no GPUs", backend.rejects(gpu));
        TaskSpec big = TaskSpec.command("big", "true");
        big.resources.cpus = 3;
        assertEquals("the task asks for 3 CPUs; the example backend has 2", backend.rejects(big));
        assertEquals("the task has no command", backend.rejects(new TaskSpec()));
        assertNull(backend.rejects(TaskSpec.command("fits", "true")));
        assertEquals(2, backend.capacity().cpus);
    }

    @Test
    void refusesANonsenseConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExampleBackend(config(0)));
        assertEquals("cpus = 0 must be at least 1", e.getMessage());
    }

    static ExampleBackend.Config config(int cpus) {
        return new ExampleBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ExampleBackend.Config.class; }
            @Override public String kumiki_backend_name() { return "example"; }
            @Override public int cpus() { return cpus; }
        };
    }
}
