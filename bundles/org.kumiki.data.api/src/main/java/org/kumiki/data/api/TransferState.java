package org.kumiki.data.api;

/**
 * States of a transfer task. Each change is posted on Event Admin under
 * {@code org/kumiki/data/<STATE>} with the properties {@code task.id}, {@code task.label} and
 * {@code task.state}.
 */
public enum TransferState {
    /** Accepted and durable, waiting for a worker (also after a restart, until resumed). */
    QUEUED,
    /** Files are moving. */
    ACTIVE,
    /** Every file is at its destination, complete and (when asked) verified. */
    SUCCEEDED,
    /** At least one file failed after its retries; the others are done. */
    FAILED,
    /** Cancelled by a user; temporary files were removed. */
    CANCELED;

    /** Whether the task is over. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The Event Admin topic of this state. */
    public String topic() {
        return DataTopics.topic(this);
    }
}
