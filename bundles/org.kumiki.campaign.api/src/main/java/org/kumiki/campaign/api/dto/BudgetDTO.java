package org.kumiki.campaign.api.dto;

/** When a campaign stops proposing. */
public class BudgetDTO {
    /** Evaluations to run in all (failed ones count). */
    public int evaluations;
    /** Wall time from the start in seconds; 0 for no limit. */
    public long wallTimeSeconds;
    /**
     * Evaluations that may reach a step whose evaluator is an
     * {@link org.kumiki.campaign.api.EvaluatorKind#EXPERIMENT experiment}; 0 for no limit.
     *
     * @since 1.2
     */
    public int experiments;
    /**
     * Evaluations that may reach a step whose evaluator is a
     * {@link org.kumiki.campaign.api.EvaluatorKind#SIMULATION simulation}; 0 for no limit.
     *
     * @since 1.2
     */
    public int simulations;
}
