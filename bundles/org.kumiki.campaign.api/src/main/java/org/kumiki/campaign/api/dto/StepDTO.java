package org.kumiki.campaign.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

/** One step of a campaign's pipeline: an evaluator and its options. */
public class StepDTO {
    public String name;
    /** The {@code campaign.evaluator} service property of the evaluator that runs it. */
    public String evaluator;
    /** Passed to the evaluator as written (strings, numbers, booleans, lists, maps). */
    public Map<String, Object> options = new LinkedHashMap<>();
    /**
     * Pre-screen checked before this step runs, on the values of the earlier steps; null for none.
     *
     * @since 1.2
     */
    public ScreenDTO screen;
}
