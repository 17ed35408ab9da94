package org.kumiki.campaign.api.dto;

/** What happens when an evaluation fails or returns NaN. */
public class RetryDTO {
    /** Attempts per evaluation in all (1 = no retry). */
    public int maxAttempts = 2;
}
