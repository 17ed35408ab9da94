package org.kumiki.scheduler.api.dto;

import org.kumiki.scheduler.api.DependencyType;
import org.osgi.dto.DTO;

/** A dependency on another task. */
public class DependencyDTO extends DTO {
    /** Id of an existing task, or {@code "#N"} for the N-th spec of the same batch. */
    public String taskId;
    public DependencyType type = DependencyType.AFTER_OK;

    public static DependencyDTO of(String taskId, DependencyType type) {
        DependencyDTO d = new DependencyDTO();
        d.taskId = taskId;
        d.type = type;
        return d;
    }
}
