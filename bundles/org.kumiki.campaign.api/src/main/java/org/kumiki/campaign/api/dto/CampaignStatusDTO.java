package org.kumiki.campaign.api.dto;

import org.kumiki.campaign.api.CampaignState;

/** A campaign's progress. */
public class CampaignStatusDTO {
    public String id;
    public String name;
    public CampaignState state;
    /** Why it failed or stopped; may be null. */
    public String message;
    /** Evaluations proposed so far. */
    public int proposed;
    /** Evaluations ended (completed, screened or failed). */
    public int done;
    public int failed;
    /**
     * Evaluations ended by a pre-screen (also counted in {@link #done}).
     *
     * @since 1.2
     */
    public int screened;
    /**
     * Evaluations that reached an experiment step, and the budget's {@code experiments} (0: no limit).
     *
     * @since 1.2
     */
    public int experiments;
    /** @since 1.2 */
    public int experimentBudget;
    /**
     * Evaluations that reached a simulation step, and the budget's {@code simulations} (0: no limit).
     *
     * @since 1.2
     */
    public int simulations;
    /** @since 1.2 */
    public int simulationBudget;
    public int inFlight;
    /** The budget's evaluations. */
    public int budget;
    /** The best completed evaluation so far, or null. */
    public EvaluationDTO best;
    /** Epoch milliseconds. */
    public long createdAt;
    public long endedAt;
    public String source;
    public String sourceHash;
    /** The campaign as defined (parameters, objectives, pipeline). */
    public CampaignDefinition definition;
    /**
     * Symbolic name to version of every bundle involved: the campaign bundles, the proposer's and
     * every evaluator's that ran a step. Empty outside OSGi.
     */
    public java.util.Map<String, String> bundles = new java.util.TreeMap<>();
}
