package org.kumiki.campaign.api;

/** The life cycle of a campaign. */
public enum CampaignState {
    /** Proposing and evaluating. */
    RUNNING,
    /** No new evaluation starts; those in flight finish and are recorded. */
    PAUSED,
    /** The budget is spent and every evaluation has ended. */
    COMPLETED,
    /** Stopped by a user; evaluations in flight were cancelled. */
    ABORTED,
    /** Stopped by an error the campaign cannot go on from (see the status message). */
    FAILED;

    /** True for COMPLETED, ABORTED and FAILED. */
    public boolean isTerminal() {
        return this == COMPLETED || this == ABORTED || this == FAILED;
    }
}
