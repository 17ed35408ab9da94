package org.kumiki.scheduler.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.annotation.versioning.ProviderType;

/** The task scheduler. Thread-safe. */
@ProviderType
public interface Scheduler {

    /**
     * Spec label: {@code true} asks that a {@link #submitAll} batch runs as one task array
     * (rejected in one line when its specs are incompatible); {@code false} never makes an
     * array. Without it, compatible batches become arrays on backends that run them (Slurm)
     * and incompatible ones go as separate tasks.
     *
     * @since 1.1
     */
    String ARRAY_LABEL = "kumiki.array";

    /** Spec label: at most this many elements of the array run at once (Slurm's {@code %N}). @since 1.1 */
    String ARRAY_THROTTLE_LABEL = "kumiki.array.throttle";

    /**
     * Validates and queues one task. The record is durable when this returns.
     *
     * @throws TaskRejectedException with a one-line reason: no command and no function, both,
     *         an unknown function, negative resources or walltime, resources no backend can
     *         ever provide, an unknown backend, an unknown dependency
     */
    TaskRecordDTO submit(TaskSpec spec);

    /**
     * Validates and queues several tasks atomically: all are accepted or none. A dependency's
     * {@code taskId} may be {@code "#N"} to name the N-th spec (0-based) of this batch; the
     * dependency graph must be acyclic.
     */
    List<TaskRecordDTO> submitAll(List<TaskSpec> specs);

    Optional<TaskRecordDTO> get(String id);

    /** Records matching the filter, newest first. */
    List<TaskRecordDTO> list(TaskFilter filter);

    /**
     * Cancels a task that has not ended: removes it from the queue or stops it on its backend
     * (the whole process tree, or scancel). Dependents waiting with AFTER_OK are cancelled.
     *
     * @return false when the task had already ended
     * @throws TaskRejectedException for an unknown id
     */
    boolean cancel(String id);

    /**
     * Completes when the task reaches a terminal state with no retry left.
     *
     * @throws TaskRejectedException for an unknown id
     */
    CompletionStage<TaskRecordDTO> await(String id);

    /** The execution backends known now, with their capacity and usage. */
    List<BackendDTO> backends();

    /**
     * The task arrays with their element counts per state, newest first.
     *
     * @since 1.1
     */
    default List<org.kumiki.scheduler.api.dto.ArrayDTO> arrays() {
        return List.of();
    }

    /**
     * Cancels every element of an array that has not ended (one {@code scancel} of the array
     * on Slurm).
     *
     * @return how many elements were cancelled
     * @throws TaskRejectedException for an unknown array id
     * @since 1.1
     */
    default int cancelArray(String arrayId) {
        throw new TaskRejectedException("unknown array " + arrayId);
    }
}
