package org.kumiki.campaign.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.EvaluationDTO;

/** What a proposer sees: the space, what was observed, what is still running. */
public class ProposalRequest {
    public CampaignDefinition definition;
    /**
     * Completed evaluations, each with its point and score (higher is better), and (since 1.2)
     * screened ones ({@code state} SCREENED): their score is the lowest completed score (a screened
     * point counts as no better than the worst measured one), or null while none has completed.
     */
    public List<EvaluationDTO> observations = new ArrayList<>();
    /** Points proposed and not yet ended (do not propose them again). */
    public List<Map<String, Object>> pending = new ArrayList<>();
    /** How many points to propose. */
    public int count;
    /** Points proposed before this request in the campaign (the proposal's sequence number). */
    public int proposedSoFar;
    /** The seed to use: the same request and seed must give the same points. */
    public long seed;
}
