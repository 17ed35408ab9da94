package org.kumiki.scheduler.slurm.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskExecution;

/** A TaskExecution that records what the backend reports and lets a test await the end. */
final class FakeExecution implements TaskExecution {

    final String taskId;
    final TaskSpec spec;
    final Path dir;
    final List<String> dependencies = new ArrayList<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<String> terminal = new CompletableFuture<>();
    volatile String jobId;
    volatile boolean cancelRequested;

    FakeExecution(String taskId, TaskSpec spec, Path dir) {
        this.taskId = taskId;
        this.spec = spec;
        this.dir = dir;
    }

    /** The terminal report, e.g. {@code EXITED 3: reason}, {@code CANCELLED: reason}. */
    String await(long seconds) throws Exception {
        return terminal.get(seconds, TimeUnit.SECONDS);
    }

    private void end(String s) {
        calls.add(s);
        terminal.complete(s);
    }

    @Override public String taskId() { return taskId; }
    @Override public TaskSpec spec() { return spec; }
    @Override public int attempt() { return 1; }
    @Override public Path taskDirectory() { return dir; }
    @Override public int[] gpus() { return new int[0]; }
    @Override public List<String> nativeDependencies() { return dependencies; }
    @Override public void queued(String backendJobId) { jobId = backendJobId; calls.add("QUEUED " + backendJobId); }
    @Override public void running(String backendJobId) { jobId = backendJobId; calls.add("RUNNING " + backendJobId); }
    @Override public void exited(int exitCode, String reason) { end("EXITED " + exitCode + ": " + reason); }
    @Override public void completed(String jsonResult) { end("COMPLETED " + jsonResult); }
    @Override public void failed(String reason) { end("FAILED: " + reason); }
    @Override public void timedOut(String reason) { end("TIMED_OUT: " + reason); }
    @Override public void cancelled(String reason) { end("CANCELLED: " + reason); }
    @Override public void lost(String reason) { end("LOST: " + reason); }
    @Override public boolean isCancelRequested() { return cancelRequested; }
}
