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
 * A job whose result has completed but whose completion callback has not run yet (a caller woken
 * by the result may count before it) is counted in its status, final by then, from the live set; moving it
 * to the counters and counting hold one lock, so it is counted exactly once either way.
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
            synchronized (this) {
                if (live.remove(job)) {
                    finished.computeIfAbsent(String.valueOf(job.backend()), k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(finalStatus(job, e != null), k -> new LongAdder()).increment();
                }
            }
        });
        return job;
    }

    /** The status a finished job is counted in: its own when final, else by how its result ended. */
    private static JobStatus finalStatus(QuantumJob<?> job, boolean failed) {
        JobStatus s = job.status();
        return s != null && s.isFinal() ? s : failed ? JobStatus.ERROR : JobStatus.DONE;
    }

    /** Jobs by backend (sorted) and status. */
    synchronized Map<String, Map<JobStatus, Long>> counts() {
        Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
        finished.forEach((backend, m) -> m.forEach((s, n) ->
                out.computeIfAbsent(backend, k -> new EnumMap<>(JobStatus.class)).merge(s, n.sum(), Long::sum)));
        for (QuantumJob<?> j : live) {
            JobStatus s = j.status();
            if (s != null) { // final already when its result has completed and its callback is still to run
                out.computeIfAbsent(String.valueOf(j.backend()), k -> new EnumMap<>(JobStatus.class)).merge(s, 1L, Long::sum);
            }
        }
        return out;
    }
}
