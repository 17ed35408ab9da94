package org.kumiki.scheduler.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

import org.kumiki.scheduler.api.TaskState;
import org.osgi.dto.DTO;

/**
 * A task array: tasks submitted together in one {@code submitAll} that a backend runs as one
 * job array (e.g. {@code sbatch --array}). Each element stays a task with its own record.
 *
 * @since 1.1
 */
public class ArrayDTO extends DTO {
    /** {@code array-N}: N is the number of its first element's task id. */
    public String id;
    /** Name of the first element. */
    public String name;
    public String backend;
    /** Id of the first and of the last element (task ids are consecutive). */
    public String firstTaskId;
    public String lastTaskId;
    public int size;
    /** The backend's array job id when all elements run in one (e.g. Slurm's {@code 440}), else null. */
    public String backendJobId;
    /** Number of elements per state (only states that occur). */
    public Map<TaskState, Integer> states = new LinkedHashMap<>();
    public long submittedAt;
}
