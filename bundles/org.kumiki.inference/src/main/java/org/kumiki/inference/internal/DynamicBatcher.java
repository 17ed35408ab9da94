package org.kumiki.inference.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.Tensor;

/**
 * Triton-style dynamic batching for one model version. Requests queue up; each of the model's
 * instance threads takes the oldest one, then adds compatible queued requests (same trailing
 * shapes and requested outputs) until the batch reaches the max batch size, a preferred size
 * with nothing more waiting, or the oldest request has waited the max queue delay. The merged
 * batch runs once and every caller gets exactly its own rows back.
 */
final class DynamicBatcher {

    private final ServedModel served;
    private final int maxBatch;
    private final long maxDelayNanos;
    /** preferred[n]: n rows is a preferred batch size. */
    private final boolean[] preferred;
    private final int largestPreferred;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopped;
    // guarded by lock: rows queued; instances gathering a batch and the rows of the latest one
    private int queuedRows;
    private int gatherers;
    private int gatheringRows;

    DynamicBatcher(ServedModel served) {
        this.served = served;
        this.maxBatch = served.config.maxBatchSize;
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(served.config.maxQueueDelayMicros);
        List<Integer> sizes = served.config.preferredBatchSizes == null ? List.of() : served.config.preferredBatchSizes;
        this.preferred = new boolean[maxBatch + 1];
        for (int n : sizes) {
            if (n >= 1 && n <= maxBatch) {
                preferred[n] = true;
            }
        }
        this.largestPreferred = sizes.stream().mapToInt(Integer::intValue).max().orElse(maxBatch);
        int n = Math.max(1, served.config.instanceCount);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::work, "kumiki-batcher-" + served.name + "-" + served.version + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    static final class Pending {
        final ServedModel.Prepared request;
        final long arrival;
        final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();

        Pending(ServedModel.Prepared request, long arrival) {
            this.request = request;
            this.arrival = arrival;
        }
    }

    private void succeed(Pending p, InferenceResponse r) {
        served.answered(false);
        p.future.complete(r);
    }

    private void fail(Pending p, Throwable e) {
        served.answered(true);
        p.future.completeExceptionally(e);
    }

    private boolean isPreferred(int rows) {
        return rows < preferred.length && preferred[rows];
    }

    CompletableFuture<InferenceResponse> enqueue(ServedModel.Prepared p, long arrival) {
        Pending pending = new Pending(p, arrival);
        lock.lock();
        try {
            if (stopped) {
                throw new InferenceException(Kind.UNAVAILABLE, "model '" + served.name + "' is being unloaded");
            }
            queue.addLast(pending);
            queuedRows += p.rows;
            // wake an instance only when it has something to do: an idle one for a first
            // request, a gathering one once its batch can be dispatched (not for every arrival:
            // 32 callers would wake it 32 times per batch)
            int total = gatheringRows + queuedRows;
            if (gatherers == 0 || total >= Math.min(maxBatch, largestPreferred) || isPreferred(total)) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
        return pending.future;
    }

    private void work() {
        while (!stopped) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                break;
            }
            if (batch != null && !batch.isEmpty()) {
                run(batch);
            }
        }
        failAll();
    }

    /** Blocks for the oldest request, then gathers compatible ones as described above. */
    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (stopped) {
                    return null;
                }
                arrived.await(200, TimeUnit.MILLISECONDS);
            }
            Pending first = queue.pollFirst();
            queuedRows -= first.request.rows;
            List<Pending> batch = new ArrayList<>();
            batch.add(first);
            int rows = first.request.rows;
            long deadline = first.arrival + maxDelayNanos;
            while (rows < maxBatch && !stopped) {
                rows = take(batch, rows, first.request);
                if (rows >= maxBatch || rows >= largestPreferred) {
                    break;
                }
                if (isPreferred(rows) && queue.isEmpty()) {
                    break;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                gatherers++;
                gatheringRows = rows;
                try {
                    arrived.awaitNanos(wait);
                } finally {
                    gatherers--;
                }
            }
            if (!queue.isEmpty()) {
                arrived.signal(); // another instance may start on what is left
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Moves compatible queued requests that still fit into the batch; returns the new row count. */
    private int take(List<Pending> batch, int rows, ServedModel.Prepared first) {
        Iterator<Pending> it = queue.iterator();
        while (it.hasNext() && rows < maxBatch) {
            Pending p = it.next();
            if (rows + p.request.rows <= maxBatch && first.compatible(p.request)) {
                it.remove();
                queuedRows -= p.request.rows;
                batch.add(p);
                rows += p.request.rows;
            }
        }
        return rows;
    }

    private void run(List<Pending> batch) {
        long t0 = System.nanoTime();
        for (Pending p : batch) {
            served.stats.queueNanos.add(t0 - p.arrival);
        }
        ServedModel.Prepared first = batch.get(0).request;
        try {
            Map<String, Tensor> inputs;
            int rows = 0;
            if (batch.size() == 1) {
                inputs = first.inputs;
                rows = first.rows;
            } else {
                inputs = new HashMap<>();
                for (String name : first.inputs.keySet()) {
                    List<Tensor> parts = new ArrayList<>(batch.size());
                    for (Pending p : batch) {
                        parts.add(p.request.inputs.get(name));
                    }
                    inputs.put(name, Tensors.concat(name, parts));
                }
                for (Pending p : batch) {
                    rows += p.request.rows;
                }
            }
            Map<String, Tensor> result = served.execute(inputs, first.outputs, rows);
            long t1 = System.nanoTime();
            served.stats.computeNanos.add(t1 - t0);
            for (Tensor t : result.values()) {
                if (t.rank() == 0 || t.dim(0) != rows) {
                    throw new InferenceException(Kind.INTERNAL, "model '" + served.name + "' returned output '" + t.name()
                            + "' with first dimension " + (t.rank() == 0 ? "none" : t.dim(0)) + " for a batch of " + rows + " rows");
                }
            }
            int offset = 0;
            for (Pending p : batch) {
                int from = offset;
                offset += p.request.rows;
                try {
                    InferenceResponse r = served.respond(p.request, result, from, p.request.rows);
                    served.stats.succeeded(System.nanoTime() - p.arrival);
                    succeed(p, r);
                } catch (RuntimeException e) {
                    fail(p, e);
                }
            }
        } catch (RuntimeException e) {
            for (Pending p : batch) {
                fail(p, e);
            }
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void failAll() {
        lock.lock();
        try {
            Pending p;
            while ((p = queue.pollFirst()) != null) {
                fail(p, new InferenceException(Kind.UNAVAILABLE, "model '" + served.name + "' was unloaded"));
            }
        } finally {
            lock.unlock();
        }
    }
}
