package org.kumiki.platform.api.dto;

import org.osgi.dto.DTO;

/** One telemetry reading of one GPU. Fields the device does not report are -1. */
public class GpuSampleDTO extends DTO {
    public int index;
    public String uuid;
    /** Percent of time a kernel ran over the last sample period (0..100). */
    public int utilizationPercent;
    public long memoryUsedBytes;
    public long memoryTotalBytes;
    /** Degrees Celsius. */
    public int temperatureC;
    /** Watts. */
    public double powerW;
    /** Epoch milliseconds when read. */
    public long timestamp;
}
