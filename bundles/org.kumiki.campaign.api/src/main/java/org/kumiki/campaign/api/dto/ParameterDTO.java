package org.kumiki.campaign.api.dto;

import java.util.ArrayList;
import java.util.List;

/** One dimension of the search space. */
public class ParameterDTO {
    public String name;
    public ParameterType type;
    /** Lower bound (CONTINUOUS, INTEGER). */
    public double min;
    /** Upper bound (CONTINUOUS, INTEGER). */
    public double max;
    /** The values (CATEGORICAL). */
    public List<String> values = new ArrayList<>();
    /** Unit, for display, e.g. {@code K}; may be null. */
    public String unit;
}
