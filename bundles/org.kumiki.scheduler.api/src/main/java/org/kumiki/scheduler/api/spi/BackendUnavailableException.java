package org.kumiki.scheduler.api.spi;

/**
 * Thrown by {@link ExecutionBackend#start} when the backend cannot take work now but may
 * later (a Slurm controller that does not answer). The scheduler keeps the task queued and
 * tries again with a growing delay; the attempt does not count against the task's retries.
 * Any other exception fails the attempt.
 */
public class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
