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
    /** Evaluations ended (completed or failed). */
    public int done;
    public int failed;
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
