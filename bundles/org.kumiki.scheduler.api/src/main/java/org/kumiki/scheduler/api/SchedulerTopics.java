package org.kumiki.scheduler.api;

/**
 * Event Admin topics and property names posted by the scheduler: each change of a task's
 * state on {@code org/kumiki/scheduler/<STATE>}, e.g. {@code org/kumiki/scheduler/COMPLETED}.
 *
 * @since 1.1
 */
public final class SchedulerTopics {
    private SchedulerTopics() {
    }

    /** Prefix of every scheduler topic. */
    public static final String PREFIX = "org/kumiki/scheduler/";
    /** Every scheduler topic. */
    public static final String ALL = PREFIX + "*";

    /** The task id (String). */
    public static final String TASK_ID = "task.id";
    /** The task name (String, absent when the spec has none). */
    public static final String TASK_NAME = "task.name";
    /** The {@link TaskState} name (String). */
    public static final String TASK_STATE = "task.state";
    /** The backend that runs or ran the task (String). */
    public static final String TASK_BACKEND = "task.backend";
    /** The exit code (Integer), when known. */
    public static final String TASK_EXIT_CODE = "task.exitCode";

    /** The topic of a state. */
    public static String topic(TaskState state) {
        return PREFIX + state.name();
    }
}
