package org.kumiki.campaign.api.dto;

/** The kinds of parameter a campaign explores. */
public enum ParameterType {
    /** A real number in [min, max]. */
    CONTINUOUS,
    /** A whole number in [min, max]. */
    INTEGER,
    /** One of a list of values. */
    CATEGORICAL
}
