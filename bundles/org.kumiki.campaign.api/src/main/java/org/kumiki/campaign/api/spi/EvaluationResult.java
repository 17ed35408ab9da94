package org.kumiki.campaign.api.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an evaluation produced. A NaN or missing objective value is a failed evaluation. */
public class EvaluationResult {
    /** Objective (or intermediate) name to value. */
    public Map<String, Double> values = new LinkedHashMap<>();
    /** References to the raw data: URIs, run uids, task ids. */
    public List<String> dataRefs = new ArrayList<>();

    public static EvaluationResult of(Map<String, Double> values) {
        EvaluationResult r = new EvaluationResult();
        r.values.putAll(values);
        return r;
    }
}
