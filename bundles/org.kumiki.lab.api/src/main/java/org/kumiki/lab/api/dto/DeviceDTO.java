package org.kumiki.lab.api.dto;

import java.util.List;

/** A device as the engine sees it: whiteboard metadata and state. */
public class DeviceDTO {
    public String name;
    public String kind;
    public String vendor;
    public String location;
    /** readable, movable, triggerable, stoppable (what it implements) plus declared extras. */
    public List<String> capabilities;
    public boolean connected;
    /** Run uid that owns the device now, or null. */
    public String lockedBy;
    public LimitsDTO limits;
}
