package org.kumiki.simulation.api.dto;

import java.util.ArrayList;
import java.util.List;

import org.osgi.dto.DTO;

/** A registered engine. */
public class EngineDTO extends DTO {
    public String name;
    public List<String> models = new ArrayList<>();
    public String description;
    public boolean available;
}
