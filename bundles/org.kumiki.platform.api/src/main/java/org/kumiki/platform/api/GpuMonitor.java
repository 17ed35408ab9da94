package org.kumiki.platform.api;

import java.util.List;

import org.kumiki.platform.api.dto.GpuSampleDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Live GPU telemetry. Registered only on sites whose hardware has GPUs (the providing
 * bundle requires {@code kumiki.hardware;filter:="(gpu.vendor=...)"}), so consumers should
 * reference it optionally.
 */
@ProviderType
public interface GpuMonitor {

    /** GPU vendor this monitor reads, e.g. {@code nvidia}. */
    String vendor();

    /**
     * Reads one sample per GPU now.
     *
     * @throws IllegalStateException when the vendor tool fails or answers something unreadable
     */
    List<GpuSampleDTO> sample();
}
