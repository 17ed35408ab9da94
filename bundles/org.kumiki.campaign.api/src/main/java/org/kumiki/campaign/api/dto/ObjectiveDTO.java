package org.kumiki.campaign.api.dto;

/**
 * One objective: a value the pipeline's results name. Several objectives are combined into one
 * score: the weighted sum of {@code value} (MAXIMISE), {@code -value} (MINIMISE) and
 * {@code -|value - target|} (TARGET).
 */
public class ObjectiveDTO {
    public String name;
    public Goal goal;
    /** For TARGET. */
    public double target;
    public double weight = 1.0;
    public String unit;
}
