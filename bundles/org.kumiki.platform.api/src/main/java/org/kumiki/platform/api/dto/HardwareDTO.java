package org.kumiki.platform.api.dto;

import java.util.List;
import java.util.Map;

import org.osgi.dto.DTO;

/** A snapshot of a {@code HardwareProfile}. */
public class HardwareDTO extends DTO {
    public String site;
    public String arch;
    public String os;
    public int cpuCores;
    public long memoryBytes;
    public List<GpuDTO> gpus;
    /** What the distribution declared in the {@code kumiki.hardware} namespace. */
    public Map<String, Object> declared;
    /** Differences between declared and detected hardware. */
    public List<String> mismatches;
}
