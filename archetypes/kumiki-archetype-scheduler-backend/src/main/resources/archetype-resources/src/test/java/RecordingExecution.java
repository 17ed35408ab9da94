package ${package};

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskExecution;

/** What the scheduler would hand a backend, recording how the task ended (tests only). */
class RecordingExecution implements TaskExecution {
    final TaskSpec spec;
    final Path dir;
    final CompletableFuture<String> end = new CompletableFuture<>();
    volatile String backendJobId;
    volatile boolean cancelRequested;

    RecordingExecution(TaskSpec spec, Path dir) {
        this.spec = spec;
        this.dir = dir;
    }

    /** How the task ended, e.g. {@code exited 0}; waits at most a minute (a loaded machine is slow, not stuck). */
    String awaitEnd() throws Exception {
        return end.get(60, TimeUnit.SECONDS);
    }

    @Override public String taskId() { return "task-1"; }
    @Override public TaskSpec spec() { return spec; }
    @Override public int attempt() { return 1; }
    @Override public Path taskDirectory() { return dir; }
    @Override public int[] gpus() { return new int[0]; }
    @Override public List<String> nativeDependencies() { return List.of(); }
    @Override public void queued(String id) { backendJobId = id; }
    @Override public void running(String id) { backendJobId = id; }
    @Override public void exited(int exitCode, String reason) { end.complete("exited " + exitCode); }
    @Override public void completed(String jsonResult) { end.complete("completed " + jsonResult); }
    @Override public void failed(String reason) { end.complete("failed " + reason); }
    @Override public void timedOut(String reason) { end.complete("timed out " + reason); }
    @Override public void cancelled(String reason) { end.complete("cancelled " + reason); }
    @Override public void lost(String reason) { end.complete("lost " + reason); }
    @Override public boolean isCancelRequested() { return cancelRequested; }
}
