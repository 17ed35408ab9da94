package org.kumiki.quantum.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** An asynchronous primitive run on a backend. Ids are opaque, prefixed {@code qjob-}. */
@ProviderType
public interface QuantumJob<T> {
    String id();

    String backend();

    JobStatus status();

    /** Completes with the result, or exceptionally with a {@link QuantumException}. */
    CompletionStage<T> result();

    /** Asks the backend to cancel; true if the job was not final yet. */
    boolean cancel();

    /** The one-line error of a job in {@link JobStatus#ERROR}, otherwise null. */
    String error();
}
