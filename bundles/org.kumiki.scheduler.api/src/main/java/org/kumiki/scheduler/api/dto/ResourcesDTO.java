package org.kumiki.scheduler.api.dto;

import org.osgi.dto.DTO;

/** Resources a task declares. Zero memory or walltime means "not limited". */
public class ResourcesDTO extends DTO {
    /** CPU cores (at least 1). */
    public int cpus = 1;
    /** GPUs. */
    public int gpus;
    /** Memory in bytes; 0 = unspecified. */
    public long memoryBytes;
    /** Walltime in seconds; 0 = unlimited. A task still running then is TIMED_OUT. */
    public long walltimeSeconds;
}
