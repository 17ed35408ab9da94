package org.kumiki.platform.api;

import java.util.List;
import java.util.Map;

import org.kumiki.platform.api.dto.GpuDTO;
import org.kumiki.platform.api.dto.HardwareDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The hardware of the node this container runs on, as detected at activation, next to what
 * the site distribution declared in the {@link HardwareNamespace kumiki.hardware}
 * namespace.
 */
@ProviderType
public interface HardwareProfile {

    /** Normalised CPU architecture: {@code x86_64}, {@code aarch64}, or the JVM's name for others. */
    String arch();

    /** Operating system name as the JVM reports it. */
    String os();

    /** Logical processors available to this JVM. */
    int cpuCores();

    /** Physical memory of the node in bytes, or -1 when unknown. */
    long memoryBytes();

    /** NVIDIA GPUs found by {@code nvidia-smi}; empty when none or when it is absent. */
    List<GpuDTO> gpus();

    /** Site name from configuration (falls back to the framework property {@code kumiki.site}, then the host name). */
    String siteName();

    /** Attributes the distribution declared in the {@code kumiki.hardware} namespace; empty when it declared none. */
    Map<String, Object> declared();

    /** Human-readable differences between what was declared and what was detected; empty when they agree. */
    List<String> mismatches();

    /** Everything above as one snapshot. */
    HardwareDTO snapshot();
}
