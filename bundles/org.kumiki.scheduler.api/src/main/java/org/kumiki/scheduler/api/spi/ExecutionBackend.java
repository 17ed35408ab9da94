package org.kumiki.scheduler.api.spi;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs tasks somewhere. Register as a service with the property {@code kumiki.backend.name};
 * the scheduler tracks backends as they come and go.
 *
 * <p>The scheduler packs tasks onto a backend by its {@link #capacity()}: it never asks a
 * backend to start more than fits. Backends that queue on their own (Slurm) report unbounded
 * capacity (-1).
 */
@ConsumerType
public interface ExecutionBackend {

    /** Service property naming the backend. */
    String NAME = "kumiki.backend.name";

    /** Capacity of this backend: cpus, gpus, memory bytes; -1 for unbounded. */
    Capacity capacity();

    /**
     * Why this backend can never run the spec (e.g. more GPUs than the node has), or null if
     * it can. Called at submit time: a non-null answer rejects the task.
     */
    String rejects(TaskSpec spec);

    /**
     * Starts a task asynchronously and reports through {@code execution}. May throw to report
     * that it could not start (the attempt fails with the exception's message).
     */
    void start(TaskExecution execution) throws Exception;

    /** Stops a running task; the backend reports the end through its execution as CANCELLED. */
    void cancel(TaskExecution execution);

    /**
     * After a restart of the container: resumes tracking a task that was RUNNING under
     * {@code backendJobId}. Returns false when it cannot (a local process died with the
     * container): the scheduler then marks it LOST or retries it.
     */
    boolean reattach(TaskExecution execution, String backendJobId);

    /**
     * Whether the backend orders dependent tasks itself (Slurm's {@code --dependency}). Then
     * the scheduler may start a task whose dependencies are still queued or running on this
     * same backend, passing them as {@link TaskExecution#nativeDependencies()}; otherwise it
     * starts a task only once its dependencies are met.
     */
    default boolean supportsNativeDependencies() {
        return false;
    }

    /**
     * Whether the backend answers now, for health checks: null when it does, otherwise a
     * one-line reason (e.g. the Slurm controller does not answer). May block for as long as one
     * call to the backend's controller takes; callers bound the wait. The default says the
     * backend answers (an in-process backend always does).
     *
     * @since 1.1
     */
    default String probe() {
        return null;
    }

    /**
     * Starts several attempts as one array job (e.g. {@code sbatch --array=0-N%throttle}).
     * The scheduler offers it elements of one array whose specs differ only in command
     * arguments, environment, working directory, output files and name; each element then
     * reports through its own execution, its backend job id naming the element (e.g.
     * {@code 440_3}) so that {@link #cancel} and {@link #reattach} work per element.
     *
     * @param throttle at most this many elements at once; 0 means the backend's default
     * @return false when this backend has no arrays (the scheduler then starts each one)
     * @since 1.2
     */
    default boolean startArray(java.util.List<TaskExecution> elements, int throttle) throws Exception {
        return false;
    }

    /**
     * Stops several tasks at once (a whole array); the default calls {@link #cancel} for each.
     *
     * @since 1.2
     */
    default void cancelAll(java.util.List<TaskExecution> executions) {
        for (TaskExecution e : executions) cancel(e);
    }

    /** Capacity of a backend. */
    final class Capacity {
        public final int cpus;
        public final int gpus;
        public final long memoryBytes;

        public Capacity(int cpus, int gpus, long memoryBytes) {
            this.cpus = cpus;
            this.gpus = gpus;
            this.memoryBytes = memoryBytes;
        }

        public static Capacity unbounded() {
            return new Capacity(-1, -1, -1);
        }
    }
}
