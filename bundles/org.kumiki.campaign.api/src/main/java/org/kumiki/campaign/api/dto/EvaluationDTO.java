package org.kumiki.campaign.api.dto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.campaign.api.EvaluationState;

/** One proposed point and what became of it. */
public class EvaluationDTO {
    /** {@code <campaign id>-<index>}. */
    public String id;
    /** 0-based proposal order. */
    public int index;
    /** Parameter name to value: Double (CONTINUOUS), Long (INTEGER), String (CATEGORICAL). */
    public Map<String, Object> point = new LinkedHashMap<>();
    public EvaluationState state;
    /** The proposer that chose it and the seed it used. */
    public String proposer;
    public long proposerSeed;
    /** The pipeline step running now (or last run). */
    public int step;
    public String stepName;
    /** 1-based attempt of the current step. */
    public int attempt;
    /** The evaluator's durable handle of the step running now. */
    public String handle;
    /** Objective values gathered from the steps. */
    public Map<String, Double> objectives = new LinkedHashMap<>();
    /** The combined score (higher is better), when COMPLETED. */
    public Double score;
    /** References to raw data (URIs, run uids, task ids). */
    public List<String> dataRefs = new ArrayList<>();
    /** The last failure, one line. */
    public String error;
    /**
     * What the proposer decided from: {@code observations} and {@code pending} (indices of the
     * evaluations it was given), {@code count} (points asked for), {@code proposedSoFar}. With the
     * campaign file and {@link #proposerSeed} this reproduces the proposal.
     */
    public Map<String, Object> proposerState = new LinkedHashMap<>();
    /** One record per step attempt that started: evaluator, bundle, handle, reported identifiers. */
    public List<ProvenanceDTO> provenance = new ArrayList<>();
    /**
     * The kinds of evaluator whose steps this evaluation reached (started), each once, in order:
     * what the budget's {@code experiments} and {@code simulations} count.
     *
     * @since 1.2
     */
    public List<org.kumiki.campaign.api.EvaluatorKind> kinds = new ArrayList<>();
    /**
     * When {@link org.kumiki.campaign.api.EvaluationState#SCREENED}: the value and the condition it
     * failed, one line (e.g. {@code step 'measure' screened: predicted_yield 0.21 < min 0.3}).
     *
     * @since 1.2
     */
    public String screenedBy;
    /** Epoch milliseconds. */
    public long proposedAt;
    public long endedAt;
}
