package org.kumiki.scheduler.api;

/**
 * The life of a task.
 *
 * <pre>
 *  submit --&gt; BLOCKED --(dependencies met)--&gt; PENDING --(dispatched)--&gt; RUNNING --&gt; COMPLETED
 *                 |                             ^    |                       |--&gt; FAILED
 *                 +--(dependency can never be met)--&gt; CANCELLED              |--&gt; TIMED_OUT
 *                                               |    +--(cancel)--&gt; CANCELLED |--&gt; CANCELLED
 *                                               +----(retry of FAILED/TIMED_OUT/LOST)--+--&gt; LOST
 * </pre>
 *
 * LOST means the scheduler lost track of a running task (its process died with the
 * container, or a backend cannot find it any more).
 */
public enum TaskState {
    /** Ready to run, waiting for resources or a backend. */
    PENDING,
    /** Waiting for dependencies. */
    BLOCKED,
    RUNNING,
    /** Ended with exit code 0. */
    COMPLETED,
    /** Ended with a non-zero exit code or an error. */
    FAILED,
    CANCELLED,
    /** Killed at its walltime. */
    TIMED_OUT,
    /** The scheduler lost track of it. */
    LOST;

    /** Whether no further transition can happen (except a retry, which starts a new attempt). */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TIMED_OUT || this == LOST;
    }
}
