package org.kumiki.campaign.api.dto;

/**
 * A step's pre-screen: before the step runs, the value {@link #value} produced by the earlier
 * steps must lie within {@link #min} and {@link #max} (either may be null, not both); otherwise the
 * evaluation ends {@link org.kumiki.campaign.api.EvaluationState#SCREENED} without running this
 * step or any after it.
 *
 * @since 1.2
 */
public class ScreenDTO {
    /** The name of a value an earlier step produced (e.g. {@code predicted_yield}). */
    public String value;
    /** Inclusive lower bound, or null. */
    public Double min;
    /** Inclusive upper bound, or null. */
    public Double max;
}
