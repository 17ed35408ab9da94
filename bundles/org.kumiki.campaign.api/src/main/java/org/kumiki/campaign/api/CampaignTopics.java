package org.kumiki.campaign.api;

/** Event Admin topics and property names posted by the campaign engine. */
public final class CampaignTopics {
    private CampaignTopics() {
    }

    /** Prefix of every campaign topic. */
    public static final String PREFIX = "org/kumiki/campaign/";
    /** A campaign changed state: {@code org/kumiki/campaign/<STATE>}, e.g. {@code org/kumiki/campaign/COMPLETED}. */
    public static final String STATE_PREFIX = PREFIX + "state/";
    /** Every campaign state topic. */
    public static final String STATE_ALL = STATE_PREFIX + "*";
    /** An evaluation ended (completed or failed for good). */
    public static final String EVALUATION_ENDED = PREFIX + "evaluation/ENDED";
    /** Every campaign topic. */
    public static final String ALL = PREFIX + "*";

    /** The campaign id (String). */
    public static final String CAMPAIGN_ID = "campaign.id";
    /** The campaign name (String). */
    public static final String CAMPAIGN_NAME = "campaign.name";
    /** The campaign state name (String). */
    public static final String CAMPAIGN_STATE = "campaign.state";
    /** The evaluation id (String). */
    public static final String EVALUATION_ID = "evaluation.id";
    /** The evaluation state name (String). */
    public static final String EVALUATION_STATE = "evaluation.state";
    /** Evaluations ended so far (Integer). */
    public static final String EVALUATIONS_DONE = "campaign.evaluations.done";

    /** The topic of a state. */
    public static String stateTopic(CampaignState state) {
        return STATE_PREFIX + state.name();
    }
}
