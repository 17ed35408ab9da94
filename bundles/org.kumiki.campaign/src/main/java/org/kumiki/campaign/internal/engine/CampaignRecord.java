package org.kumiki.campaign.internal.engine;

import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignDefinition;

/** A campaign as the journal keeps it (its evaluations are records of their own). */
public class CampaignRecord {
    public String id;
    /** Creation order, for ids and listing. */
    public long sequence;
    public CampaignDefinition definition;
    public CampaignState state;
    public String message;
    public long createdAt;
    public long endedAt;
    /** Symbolic name to version of every bundle involved (campaign, proposer, evaluators). */
    public java.util.Map<String, String> bundles = new java.util.TreeMap<>();
}
