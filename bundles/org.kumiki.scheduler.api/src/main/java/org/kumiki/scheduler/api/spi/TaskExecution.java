package org.kumiki.scheduler.api.spi;

import java.nio.file.Path;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One attempt of one task, handed to a backend by the scheduler. The backend reports
 * progress through it; the first terminal report wins, later ones are ignored.
 */
@ProviderType
public interface TaskExecution {

    String taskId();

    TaskSpec spec();

    /** 1 for the first run. */
    int attempt();

    /** A folder the backend may use for this task (default stdout/stderr files go here). */
    Path taskDirectory();

    /** GPU indices the scheduler assigned to this attempt (for CUDA_VISIBLE_DEVICES); empty for none. */
    int[] gpus();

    /**
     * Dependencies the backend must enforce itself, as {@code TYPE:BACKENDJOBID} with TYPE one
     * of {@code afterok}, {@code afterany}, {@code afternotok} (Slurm's syntax); empty unless
     * the backend {@link ExecutionBackend#supportsNativeDependencies() supports} them.
     */
    java.util.List<String> nativeDependencies();

    /**
     * The backend accepted the task under its own id but has not started it (a job pending in
     * Slurm's queue). The record stays PENDING with that id, so that after a restart the
     * scheduler re-attaches to the job instead of submitting it again.
     */
    void queued(String backendJobId);

    /** The task started under the backend's own id. */
    void running(String backendJobId);

    /** Ended with an exit code: 0 is COMPLETED, anything else FAILED. */
    void exited(int exitCode, String reason);

    /** A function task ended with a JSON result. */
    void completed(String jsonResult);

    /** Ended with an error that has no exit code. */
    void failed(String reason);

    void timedOut(String reason);

    void cancelled(String reason);

    void lost(String reason);

    /** Whether the scheduler asked to stop this attempt. */
    boolean isCancelRequested();
}
