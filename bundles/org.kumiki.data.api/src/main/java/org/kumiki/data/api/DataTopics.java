package org.kumiki.data.api;

/**
 * Event Admin topics and property names posted by the transfer service: each change of a
 * transfer task's state on {@code org/kumiki/data/<STATE>}, e.g. {@code org/kumiki/data/SUCCEEDED}.
 *
 * @since 1.2
 */
public final class DataTopics {
    private DataTopics() {
    }

    /** Prefix of every data topic. */
    public static final String PREFIX = "org/kumiki/data/";
    /** Every data topic. */
    public static final String ALL = PREFIX + "*";

    /** The task id (String). */
    public static final String TASK_ID = "task.id";
    /** The task label (String, absent when none). */
    public static final String TASK_LABEL = "task.label";
    /** The {@link TransferState} name (String). */
    public static final String TASK_STATE = "task.state";
    /** Bytes done (Long). */
    public static final String BYTES_DONE = "bytes.done";
    /** Bytes of the files found (Long). */
    public static final String BYTES_TOTAL = "bytes.total";
    /** Files done (Long). */
    public static final String FILES_DONE = "files.done";
    /** Files failed (Long). */
    public static final String FILES_FAILED = "files.failed";
    /** Why the task failed (String), when it did. */
    public static final String MESSAGE = "message";

    /** The topic of a state. */
    public static String topic(TransferState state) {
        return PREFIX + state.name();
    }
}
