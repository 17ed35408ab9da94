package org.kumiki.campaign.api;

/** The life cycle of one evaluation (one proposed point through the pipeline). */
public enum EvaluationState {
    /** Proposed and recorded, not yet started (or waiting for its evaluator to appear). */
    PROPOSED,
    /** Started on an evaluator; its handle is recorded. */
    RUNNING,
    /** Ended with every objective value. */
    COMPLETED,
    /** Ended without a usable result after the retry policy's last attempt. */
    FAILED,
    /** Cancelled by an abort. */
    CANCELLED,
    /**
     * Ended before a step whose {@link org.kumiki.campaign.api.dto.ScreenDTO screen} condition a
     * value of the earlier steps failed: the later steps did not run (pre-screening).
     *
     * @since 1.2
     */
    SCREENED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == SCREENED;
    }
}
