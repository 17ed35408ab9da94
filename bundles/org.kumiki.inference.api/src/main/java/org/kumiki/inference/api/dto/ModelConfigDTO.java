package org.kumiki.inference.api.dto;

import java.util.List;
import java.util.Map;

/**
 * A model's configuration, read from {@code <repo>/<model>/config.json} with Triton's field
 * names: {@code platform}, {@code max_batch_size}, {@code dynamic_batching}
 * ({@code preferred_batch_size}, {@code max_queue_delay_microseconds}), {@code instance_group}
 * ({@code count}), {@code parameters}.
 */
public class ModelConfigDTO {
    public String name;
    public String platform;
    /** 0: no batching; the first dimension of every input and output is then not a batch. */
    public int maxBatchSize;
    /** True when {@code dynamic_batching} is present. */
    public boolean dynamicBatching;
    public List<Integer> preferredBatchSizes;
    public long maxQueueDelayMicros;
    /** Engine instances (sessions) that run at the same time. */
    public int instanceCount = 1;
    /** Engine-specific settings (e.g. {@code provider}, {@code url}). */
    public Map<String, String> parameters;
}
