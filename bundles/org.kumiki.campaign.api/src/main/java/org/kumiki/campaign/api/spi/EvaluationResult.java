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
    /**
     * Identifiers of what produced the result, recorded in the journal and exported in the
     * RO-Crate: {@link #TASK_ID}, {@link #RUN_UID}, {@link #TRANSFER_ID}, {@link #SHA256} and any
     * other name an evaluator finds useful (values are one-line strings).
     */
    public Map<String, String> provenance = new LinkedHashMap<>();

    /** Provenance key: the scheduler task that ran the evaluation. */
    public static final String TASK_ID = "taskId";
    /** Provenance key: the lab run (event-model start document uid) or simulation run id. */
    public static final String RUN_UID = "runUid";
    /** Provenance key: the data transfer that archived the evaluation's raw data. */
    public static final String TRANSFER_ID = "transferId";
    /** Provenance key: SHA-256 (hex) of the raw data as archived. */
    public static final String SHA256 = "sha256";

    public static EvaluationResult of(Map<String, Double> values) {
        EvaluationResult r = new EvaluationResult();
        r.values.putAll(values);
        return r;
    }
}
