package org.kumiki.inference.internal;

import java.util.concurrent.atomic.LongAdder;

import org.kumiki.inference.api.dto.ModelStatsDTO;

/** Counters of one served model version. */
final class Stats {
    /**
     * Upper bounds of the request duration histogram, microseconds: 100 us to 10 s, roughly
     * 1-2.5-5 per decade (what Prometheus' default buckets cover, finer below 5 ms).
     */
    static final long[] BUCKETS_MICROS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000,
        250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000};
    private static final long[] BUCKETS_NANOS = new long[BUCKETS_MICROS.length];

    static {
        for (int i = 0; i < BUCKETS_MICROS.length; i++) {
            BUCKETS_NANOS[i] = BUCKETS_MICROS[i] * 1000;
        }
    }

    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final LongAdder rows = new LongAdder();
    final LongAdder executions = new LongAdder();
    final LongAdder requestNanos = new LongAdder();
    final LongAdder queueNanos = new LongAdder();
    final LongAdder computeNanos = new LongAdder();
    /** Successful requests per duration bucket; the last one counts those above the largest bound. */
    private final LongAdder[] buckets = new LongAdder[BUCKETS_MICROS.length + 1];

    Stats() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts a successful request that took {@code nanos} from arrival to response (a few ns). */
    void succeeded(long nanos) {
        success.increment();
        requestNanos.add(nanos);
        buckets[bucket(nanos)].increment();
    }

    /** The bucket a duration falls in: the first whose upper bound (inclusive) is not below it. */
    static int bucket(long nanos) {
        int i = 0;
        while (i < BUCKETS_NANOS.length && nanos > BUCKETS_NANOS[i]) {
            i++;
        }
        return i;
    }

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
        d.requestDurationBucketsMicros = BUCKETS_MICROS.clone();
        d.requestDurationBucketCounts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            d.requestDurationBucketCounts[i] = buckets[i].sum();
        }
        return d;
    }
}
