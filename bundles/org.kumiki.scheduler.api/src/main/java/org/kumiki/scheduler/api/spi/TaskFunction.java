package org.kumiki.scheduler.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named unit of Java work that tasks can run ({@code TaskSpec.function}). Register as a
 * service with the property {@code kumiki.function.name}. Runs in-process on the local
 * backend, or in a worker distribution on Slurm nodes.
 */
@ConsumerType
public interface TaskFunction {

    /** Service property naming the function. */
    String NAME = "kumiki.function.name";

    /**
     * Runs the function.
     *
     * @param jsonArguments the task's JSON arguments, or null
     * @param context cancellation and identity of the running task
     * @return a JSON result (or null)
     * @throws Exception to fail the task with the exception's message
     */
    String apply(String jsonArguments, Context context) throws Exception;

    /** What a running function may ask. */
    interface Context {
        String taskId();

        /** True once the task was cancelled or timed out; long work should check and return. */
        boolean isCancelled();
    }
}
