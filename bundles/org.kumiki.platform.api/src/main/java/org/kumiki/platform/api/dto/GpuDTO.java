package org.kumiki.platform.api.dto;

import org.osgi.dto.DTO;

/** One GPU as detected. */
public class GpuDTO extends DTO {
    /** Index as the vendor tool numbers it (used for CUDA_VISIBLE_DEVICES). */
    public int index;
    /** Vendor, e.g. {@code nvidia}. */
    public String vendor;
    /** Model name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String model;
    /** Stable identifier, e.g. {@code GPU-5f1c...}. */
    public String uuid;
    /** Total memory in bytes. */
    public long memoryBytes;
    /** Driver version. */
    public String driverVersion;
}
