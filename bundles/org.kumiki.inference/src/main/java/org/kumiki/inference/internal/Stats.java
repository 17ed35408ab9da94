package org.kumiki.inference.internal;

import java.util.concurrent.atomic.LongAdder;

import org.kumiki.inference.api.dto.ModelStatsDTO;

/** Counters of one served model version. */
final class Stats {
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final LongAdder rows = new LongAdder();
    final LongAdder executions = new LongAdder();
    final LongAdder requestNanos = new LongAdder();
    final LongAdder queueNanos = new LongAdder();
    final LongAdder computeNanos = new LongAdder();

    ModelStatsDTO dto(String name, String version) {
        ModelStatsDTO d = new ModelStatsDTO();
        d.name = name;
        d.version = version;
        d.requestSuccess = success.sum();
        d.requestFailure = failure.sum();
        d.inferenceCount = rows.sum();
        d.executionCount = executions.sum();
        d.requestNanos = requestNanos.sum();
        d.queueNanos = queueNanos.sum();
        d.computeNanos = computeNanos.sum();
        return d;
    }
}
