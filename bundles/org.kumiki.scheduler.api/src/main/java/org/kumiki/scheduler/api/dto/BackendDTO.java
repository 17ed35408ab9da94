package org.kumiki.scheduler.api.dto;

import org.osgi.dto.DTO;

/** An execution backend, its capacity and what is in use now. -1 means unbounded. */
public class BackendDTO extends DTO {
    public String name;
    public String description;
    public boolean isDefault;
    public int cpus;
    public int gpus;
    public long memoryBytes;
    public int cpusInUse;
    public int gpusInUse;
    public long memoryInUse;
    public int running;
    public int pending;
}
