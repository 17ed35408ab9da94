package org.kumiki.scheduler.api;

/** A task spec the scheduler will not accept; the message is a one-line reason. */
public class TaskRejectedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TaskRejectedException(String reason) {
        super(reason);
    }
}
