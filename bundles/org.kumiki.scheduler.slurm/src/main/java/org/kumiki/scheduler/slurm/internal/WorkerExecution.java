package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskExecution;

/**
 * A function task on Slurm: the batch job runs the worker distribution, which runs the
 * function and writes its JSON result to a file; a successful exit reports that result.
 */
final class WorkerExecution implements TaskExecution {
    private final TaskExecution delegate;
    private final Path result;

    WorkerExecution(TaskExecution delegate, Path result) {
        this.delegate = delegate;
        this.result = result;
    }

    static Path argumentsFile(TaskExecution e) {
        return e.taskDirectory().resolve("args-" + e.attempt() + ".json");
    }

    static Path resultFile(TaskExecution e) {
        return e.taskDirectory().resolve("result-" + e.attempt() + ".json");
    }

    /** The command the batch job runs for a function task. */
    static TaskSpec asCommand(TaskSpec spec, String java, String workerJar, Path args, Path result) {
        TaskSpec s = new TaskSpec();
        s.name = spec.name;
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Dkumiki.worker.function=" + spec.function);
        cmd.add("-Dkumiki.worker.arguments.file=" + args);
        cmd.add("-Dkumiki.worker.result.file=" + result);
        cmd.add("-jar");
        cmd.add(workerJar);
        s.command = cmd;
        s.environment = spec.environment;
        s.workingDirectory = spec.workingDirectory;
        s.stdout = spec.stdout;
        s.stderr = spec.stderr;
        s.resources = spec.resources;
        s.dependencies = spec.dependencies;
        s.priority = spec.priority;
        s.retries = spec.retries;
        s.labels = spec.labels;
        s.backend = spec.backend;
        s.partition = spec.partition;
        return s;
    }

    @Override
    public void exited(int exitCode, String reason) {
        if (exitCode != 0) {
            delegate.exited(exitCode, exitCode == 2 ? "the worker could not run the function (exit 2; see the job's error file)" : reason);
            return;
        }
        try {
            delegate.completed(Files.readString(result, StandardCharsets.UTF_8));
        } catch (IOException e) {
            delegate.failed("the worker exited 0 but left no result in " + result + ": " + e.getMessage());
        }
    }

    @Override public String taskId() { return delegate.taskId(); }
    @Override public TaskSpec spec() { return delegate.spec(); }
    @Override public int attempt() { return delegate.attempt(); }
    @Override public Path taskDirectory() { return delegate.taskDirectory(); }
    @Override public int[] gpus() { return delegate.gpus(); }
    @Override public List<String> nativeDependencies() { return delegate.nativeDependencies(); }
    @Override public void queued(String backendJobId) { delegate.queued(backendJobId); }
    @Override public void running(String backendJobId) { delegate.running(backendJobId); }
    @Override public void completed(String jsonResult) { delegate.completed(jsonResult); }
    @Override public void failed(String reason) { delegate.failed(reason); }
    @Override public void timedOut(String reason) { delegate.timedOut(reason); }
    @Override public void cancelled(String reason) { delegate.cancelled(reason); }
    @Override public void lost(String reason) { delegate.lost(reason); }
    @Override public boolean isCancelRequested() { return delegate.isCancelRequested(); }
}
