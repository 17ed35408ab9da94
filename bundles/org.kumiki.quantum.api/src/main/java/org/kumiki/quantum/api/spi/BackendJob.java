package org.kumiki.quantum.api.spi;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;

/**
 * A ready-made {@link QuantumJob} for backend providers: they call {@link #running()},
 * {@link #complete} or {@link #fail}; {@link #onCancel} is run once on cancellation.
 */
public class BackendJob<T> implements QuantumJob<T> {
    private final String id;
    private final String backend;
    private final AtomicReference<JobStatus> status = new AtomicReference<>(JobStatus.QUEUED);
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private volatile String error;
    private volatile Runnable onCancel;

    public BackendJob(String backend) {
        this("qjob-" + UUID.randomUUID(), backend);
    }

    public BackendJob(String id, String backend) {
        this.id = id;
        this.backend = backend;
    }

    @Override public String id() { return id; }
    @Override public String backend() { return backend; }
    @Override public JobStatus status() { return status.get(); }
    @Override public CompletionStage<T> result() { return future.minimalCompletionStage(); }
    @Override public String error() { return error; }

    public void onCancel(Runnable r) { this.onCancel = r; }

    public boolean isCancelled() { return status.get() == JobStatus.CANCELLED; }

    public void running() { status.compareAndSet(JobStatus.QUEUED, JobStatus.RUNNING); }

    public void complete(T value) {
        JobStatus s = status.get();
        if (s.isFinal() || !status.compareAndSet(s, JobStatus.DONE)) return;
        future.complete(value);
    }

    public void fail(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        JobStatus s = status.get();
        if (s.isFinal() || !status.compareAndSet(s, JobStatus.ERROR)) return;
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        error = m.replace('\n', ' ');
        future.completeExceptionally(c instanceof QuantumException ? c : new QuantumException(error, c));
    }

    @Override
    public boolean cancel() {
        JobStatus s = status.get();
        if (s.isFinal() || !status.compareAndSet(s, JobStatus.CANCELLED)) return false;
        error = "cancelled";
        future.completeExceptionally(new QuantumException("job " + id + " was cancelled"));
        Runnable r = onCancel;
        if (r != null) r.run();
        return true;
    }
}
