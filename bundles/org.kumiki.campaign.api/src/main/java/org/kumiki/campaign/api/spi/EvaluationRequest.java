package org.kumiki.campaign.api.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an evaluator is asked to evaluate. */
public class EvaluationRequest {
    public String campaignId;
    /** Unique in the campaign; the same for every attempt and step. */
    public String evaluationId;
    public String stepName;
    /** 1-based. */
    public int attempt;
    /** Parameter name to value: Double, Long or String. */
    public Map<String, Object> point = new LinkedHashMap<>();
    /** The step's options from the campaign file. */
    public Map<String, Object> options = new LinkedHashMap<>();
    /** Objective values from the earlier steps of the pipeline. */
    public Map<String, Double> inputs = new LinkedHashMap<>();
    /**
     * References to the raw data the earlier steps of the pipeline produced (URIs, run uids,
     * task ids), in order.
     *
     * @since 1.1
     */
    public List<String> dataRefs = new ArrayList<>();
}
