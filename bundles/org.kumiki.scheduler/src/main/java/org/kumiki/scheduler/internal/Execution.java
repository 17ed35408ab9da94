package org.kumiki.scheduler.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskExecution;

/** One attempt of one task as a backend sees it. The first terminal report wins. */
final class Execution implements TaskExecution {

    interface Sink {
        void queued(Execution e, String backendJobId);

        void running(Execution e, String backendJobId);

        void ended(Execution e, TaskState state, Integer exitCode, String reason, String result);
    }

    final Task task;
    final int attempt;
    final Path dir;
    final int[] gpus;
    final List<String> nativeDeps;
    private final Sink sink;
    private final AtomicBoolean ended = new AtomicBoolean();
    volatile boolean cancelRequested;
    volatile boolean timeoutRequested;

    Execution(Task task, int attempt, Path dir, int[] gpus, List<String> nativeDeps, Sink sink) {
        this.task = task;
        this.attempt = attempt;
        this.dir = dir;
        this.gpus = gpus;
        this.nativeDeps = nativeDeps;
        this.sink = sink;
    }

    @Override public String taskId() { return task.id; }
    @Override public TaskSpec spec() { return task.spec; }
    @Override public int attempt() { return attempt; }
    @Override public Path taskDirectory() { return dir; }
    @Override public int[] gpus() { return gpus.clone(); }
    @Override public List<String> nativeDependencies() { return nativeDeps; }
    @Override public boolean isCancelRequested() { return cancelRequested; }

    boolean hasEnded() {
        return ended.get();
    }

    @Override
    public void queued(String backendJobId) {
        if (!ended.get()) sink.queued(this, backendJobId);
    }

    @Override
    public void running(String backendJobId) {
        if (!ended.get()) sink.running(this, backendJobId);
    }

    @Override
    public void exited(int exitCode, String reason) {
        end(exitCode == 0 ? TaskState.COMPLETED : TaskState.FAILED, exitCode,
                exitCode == 0 ? reason : (reason != null ? reason : "exit code " + exitCode), null);
    }

    @Override
    public void completed(String jsonResult) {
        end(TaskState.COMPLETED, 0, null, jsonResult);
    }

    @Override
    public void failed(String reason) {
        end(TaskState.FAILED, null, reason, null);
    }

    @Override
    public void timedOut(String reason) {
        end(TaskState.TIMED_OUT, null, reason, null);
    }

    @Override
    public void cancelled(String reason) {
        end(TaskState.CANCELLED, null, reason, null);
    }

    @Override
    public void lost(String reason) {
        end(TaskState.LOST, null, reason, null);
    }

    void end(TaskState state, Integer exitCode, String reason, String result) {
        if (ended.compareAndSet(false, true)) sink.ended(this, state, exitCode, reason, result);
    }
}
