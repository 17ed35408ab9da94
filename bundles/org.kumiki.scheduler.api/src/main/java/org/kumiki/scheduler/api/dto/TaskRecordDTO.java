package org.kumiki.scheduler.api.dto;

import org.kumiki.scheduler.api.TaskState;
import org.osgi.dto.DTO;

/** A task as the scheduler knows it. Timestamps are epoch milliseconds, 0 when not yet reached. */
public class TaskRecordDTO extends DTO {
    /** Opaque id, {@code task-...}, stable across restarts. */
    public String id;
    public TaskSpec spec;
    public TaskState state;
    /** Backend the task is routed to (chosen at submit from the spec's hint or the default). */
    public String backend;
    /** The backend's own id (a Slurm job id, a process id); null when none. */
    public String backendJobId;
    /** Exit code of the last attempt; null when it has none (not run, cancelled before start, lost). */
    public Integer exitCode;
    /** Why the task is in its state (e.g. "dependency task-12 ended FAILED"); null when nothing to say. */
    public String reason;
    /** JSON result of a function task; null otherwise. */
    public String result;
    /** 1 for the first run, 2 for the first retry, ... 0 before the first dispatch. */
    public int attempt;
    public long submittedAt;
    public long startedAt;
    public long finishedAt;
    /**
     * The array this task is an element of ({@code array-N}, the first element's number), or
     * null when it is not in an array. A batch of compatible specs submitted together on a
     * backend that runs arrays (Slurm) becomes one array.
     *
     * @since 1.1
     */
    public String arrayId;
    /** Index of this task in its array (0-based), -1 when not in an array. @since 1.1 */
    public int arrayIndex = -1;
}
