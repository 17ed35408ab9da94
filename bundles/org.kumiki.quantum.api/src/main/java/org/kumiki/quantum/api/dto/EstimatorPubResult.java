package org.kumiki.quantum.api.dto;

import java.util.Map;

import org.osgi.dto.DTO;

/** Expectation values {@code evs[binding][observable]} and their standard errors. */
public class EstimatorPubResult extends DTO {
    public double[][] evs;
    public double[][] stds;
    public Map<String, Object> metadata;
}
