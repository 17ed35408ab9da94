package org.kumiki.campaign.rest.internal;

import java.util.Map;

import org.kumiki.campaign.api.EvaluationState;

/**
 * {@code event: evaluation} of {@code /api/campaign/campaigns/{id}/events}: one evaluation that
 * ended, with what a convergence plot needs. The event id is its place in end order (1, 2, ...).
 */
public class EvaluationEventDTO {
    public String campaignId;
    /** {@code <campaign id>-<index>}. */
    public String id;
    /** 0-based proposal order. */
    public int index;
    public EvaluationState state;
    public Map<String, Object> point;
    /** Objective values gathered. */
    public Map<String, Double> objectives;
    /** The combined score (higher is better) when COMPLETED. */
    public Double score;
    /** The best score of the evaluations ended so far (this one included), or null. */
    public Double bestScore;
    /** The failure or screening reason, one line, or null. */
    public String error;
    /** Epoch milliseconds. */
    public long endedAt;
}
