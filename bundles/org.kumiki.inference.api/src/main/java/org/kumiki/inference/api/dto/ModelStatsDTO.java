package org.kumiki.inference.api.dto;

/** Counters of one loaded model version since it was loaded. Durations in nanoseconds. */
public class ModelStatsDTO {
    public String name;
    public String version;
    public long requestSuccess;
    public long requestFailure;
    /** Rows inferred (a request of batch 4 counts 4). */
    public long inferenceCount;
    /** Engine executions (a merged batch counts 1). */
    public long executionCount;
    /** Cumulative time from arrival to response, successful requests. */
    public long requestNanos;
    /** Cumulative time spent waiting in the batch queue. */
    public long queueNanos;
    /** Cumulative engine time, per execution. */
    public long computeNanos;
    /**
     * Upper bounds in microseconds of the request duration histogram (successful requests, from
     * arrival to response), ascending; null when the provider keeps no histogram.
     *
     * @since 1.1
     */
    public long[] requestDurationBucketsMicros;
    /**
     * Successful requests per bucket of {@link #requestDurationBucketsMicros} (not cumulative),
     * with one more entry than there are bounds: the last counts requests slower than the largest
     * bound. Their sum is {@link #requestSuccess}; null when the provider keeps no histogram.
     *
     * @since 1.1
     */
    public long[] requestDurationBucketCounts;
}
