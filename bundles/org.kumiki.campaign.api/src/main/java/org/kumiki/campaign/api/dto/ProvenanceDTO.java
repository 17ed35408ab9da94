package org.kumiki.campaign.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What ran one attempt of one pipeline step of an evaluation: the evaluator, the bundle that
 * registered it, its durable handle, and the identifiers the evaluator reported in
 * {@link org.kumiki.campaign.api.spi.EvaluationResult#provenance} (task id, run uid, transfer id,
 * checksum).
 */
public class ProvenanceDTO {
    /** 0-based pipeline step and its name. */
    public int step;
    public String stepName;
    /** 1-based attempt of that step. */
    public int attempt;
    /** The evaluator's name ({@code campaign.evaluator}). */
    public String evaluator;
    /** Symbolic name and version of the bundle of the evaluator service; null outside OSGi. */
    public String bundle;
    public String bundleVersion;
    /** The evaluator's durable handle. */
    public String handle;
    /** Identifiers the evaluator reported: keys as in {@link org.kumiki.campaign.api.spi.EvaluationResult}. */
    public Map<String, String> ids = new LinkedHashMap<>();
    /** Epoch milliseconds: when the step started and when its result arrived (0 while running). */
    public long startedAt;
    public long endedAt;
}
