package org.kumiki.campaign.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code sum(coefficients[p] * p) relation rhs}, e.g. {@code ratio_a + ratio_b <= 1}. */
public class ConstraintDTO {
    /** As written in the file. */
    public String expression;
    /** Parameter name to coefficient. */
    public Map<String, Double> coefficients = new LinkedHashMap<>();
    public Relation relation;
    public double rhs;
}
