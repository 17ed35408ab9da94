package org.kumiki.quantum.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumJob;

/**
 * Counts the jobs run through the core by backend and status: unfinished jobs are held (until
 * their result completes) and asked for their status when counted; finished ones are counters.
 */
final class JobLedger {

    private final Set<QuantumJob<?>> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<JobStatus, LongAdder>> finished = new ConcurrentHashMap<>();

    /** Starts counting {@code job}; returns it. */
    <T> QuantumJob<T> track(QuantumJob<T> job) {
        if (job == null) {
            return null;
        }
        live.add(job);
        job.result().whenComplete((r, e) -> {
            if (live.remove(job)) {
                JobStatus s = job.status();
                if (s == null || !s.isFinal()) {
                    s = e == null ? JobStatus.DONE : JobStatus.ERROR;
                }
                finished.computeIfAbsent(String.valueOf(job.backend()), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(s, k -> new LongAdder()).increment();
            }
        });
        return job;
    }

    /** Jobs by backend (sorted) and status. */
    Map<String, Map<JobStatus, Long>> counts() {
        Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
        finished.forEach((backend, m) -> m.forEach((s, n) ->
                out.computeIfAbsent(backend, k -> new EnumMap<>(JobStatus.class)).merge(s, n.sum(), Long::sum)));
        for (QuantumJob<?> j : live) {
            JobStatus s = j.status();
            if (s != null && !s.isFinal()) { // a finished one is counted by its completion
                out.computeIfAbsent(String.valueOf(j.backend()), k -> new EnumMap<>(JobStatus.class)).merge(s, 1L, Long::sum);
            }
        }
        return out;
    }
}
