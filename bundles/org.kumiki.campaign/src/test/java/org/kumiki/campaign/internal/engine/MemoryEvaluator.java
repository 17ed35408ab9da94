package org.kumiki.campaign.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;

/** An evaluator in memory: computes a function, at once or when the test releases the evaluations it holds. */
final class MemoryEvaluator implements Evaluator {
    final Function<EvaluationRequest, EvaluationResult> function;
    final Map<String, CompletableFuture<EvaluationResult>> futures = new ConcurrentHashMap<>();
    final Map<String, EvaluationRequest> requests = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> startsPerStep = new ConcurrentHashMap<>();
    final List<String> cancelled = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    volatile boolean hold;
    /** What it declares it spends (the budget's experiments or simulations). */
    volatile org.kumiki.campaign.api.EvaluatorKind kind = org.kumiki.campaign.api.EvaluatorKind.OTHER;

    @Override
    public org.kumiki.campaign.api.EvaluatorKind kind() {
        return kind;
    }

    MemoryEvaluator(Function<EvaluationRequest, EvaluationResult> function) {
        this.function = function;
    }

    @Override
    public String start(EvaluationRequest request) {
        String handle = "h" + starts.incrementAndGet();
        startsPerStep.computeIfAbsent(request.evaluationId + "/" + request.stepName + "/" + request.attempt, k -> new AtomicInteger()).incrementAndGet();
        requests.put(handle, request);
        CompletableFuture<EvaluationResult> f = new CompletableFuture<>();
        futures.put(handle, f);
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        if (!hold) {
            pool.execute(() -> complete(handle));
        }
        return handle;
    }

    /** Computes and completes one held evaluation. */
    void complete(String handle) {
        CompletableFuture<EvaluationResult> f = futures.get(handle);
        if (f == null || f.isDone()) {
            return;
        }
        running.decrementAndGet();
        try {
            f.complete(function.apply(requests.get(handle)));
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
    }

    /** Handles started and not yet completed. */
    List<String> pending() {
        List<String> out = new ArrayList<>();
        futures.forEach((h, f) -> {
            if (!f.isDone()) {
                out.add(h);
            }
        });
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
        return out;
    }

    void completeAll() {
        for (String h : pending()) {
            complete(h);
        }
    }

    /** Forgets everything, as an evaluator whose back end lost its state. */
    void forget() {
        futures.clear();
        running.set(0);
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        CompletableFuture<EvaluationResult> f = futures.get(handle);
        return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("unknown handle " + handle));
    }

    @Override
    public void cancel(String handle) {
        cancelled.add(handle);
        CompletableFuture<EvaluationResult> f = futures.get(handle);
        if (f != null && f.completeExceptionally(new IllegalStateException("cancelled"))) {
            running.decrementAndGet();
        }
    }

    void shutdown() {
        pool.shutdownNow();
    }
}
