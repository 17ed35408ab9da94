package org.kumiki.data.api.dto;

import java.util.List;

import org.osgi.dto.DTO;

/** A registered endpoint. */
public class EndpointDTO extends DTO {
    /** URI schemes it serves. */
    public List<String> schemes;
    /** What it is, in a few words. */
    public String description;
    /** Whether it can be a destination. */
    public boolean writable;
    /** The bundle that provides it. */
    public String bundle;
}
