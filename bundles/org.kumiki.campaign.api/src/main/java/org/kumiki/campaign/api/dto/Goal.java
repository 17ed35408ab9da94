package org.kumiki.campaign.api.dto;

/** What to do with an objective. */
public enum Goal {
    MAXIMISE, MINIMISE,
    /** Come as close as possible to {@link ObjectiveDTO#target}. */
    TARGET
}
