package org.kumiki.quantum.api.dto;

import org.osgi.dto.DTO;

/** A registered backend. */
public class BackendDTO extends DTO {
    public String name;
    public boolean isDefault;
    /** Whether it computes exact expectation values itself. */
    public boolean exactExpectations;
    public TargetDTO target;
}
