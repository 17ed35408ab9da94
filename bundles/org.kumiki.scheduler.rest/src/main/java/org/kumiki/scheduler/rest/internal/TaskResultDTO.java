package org.kumiki.scheduler.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;

import org.kumiki.scheduler.api.TaskState;

/** The outcome of a task that has ended. */
public class TaskResultDTO {
    public String id;
    public TaskState state;
    /** Exit code of the last attempt, when it has one. */
    public Integer exitCode;
    /** Why the task ended so, when there is something to say. */
    public String reason;
    /** The function task's result (its JSON); absent for a command task. */
    public JsonNode result;
    public int attempt;
    public long startedAt;
    public long finishedAt;
}
