package org.kumiki.campaign.api.dto;

/** When a campaign stops proposing. */
public class BudgetDTO {
    /** Evaluations to run in all (failed ones count). */
    public int evaluations;
    /** Wall time from the start in seconds; 0 for no limit. */
    public long wallTimeSeconds;
}
