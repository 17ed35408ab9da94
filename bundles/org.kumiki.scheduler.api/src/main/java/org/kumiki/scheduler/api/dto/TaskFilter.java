package org.kumiki.scheduler.api.dto;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.kumiki.scheduler.api.TaskState;
import org.osgi.dto.DTO;

/** Which records {@code Scheduler.list} returns; empty fields match everything. */
public class TaskFilter extends DTO {
    public Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    /** Labels every returned task has (key and value). */
    public Map<String, String> labels = new LinkedHashMap<>();
    public String backend;
    /** Prefix of the task name. */
    public String namePrefix;
    /** At most this many records (newest first); 0 = no limit. */
    public int limit;
    /** Only the elements of this array ({@code array-N}); null = any. @since 1.1 */
    public String arrayId;

    public static TaskFilter all() {
        return new TaskFilter();
    }
}
