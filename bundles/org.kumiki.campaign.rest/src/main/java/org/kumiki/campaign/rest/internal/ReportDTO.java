package org.kumiki.campaign.rest.internal;

import java.util.List;

import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;

/** A campaign's report as data: its status, every evaluation, and the convergence (best score after each end). */
public class ReportDTO {
    public CampaignStatusDTO campaign;
    public List<EvaluationDTO> evaluations;
    /** Ended evaluations in end order, with the best score so far. */
    public List<EvaluationEventDTO> convergence;
}
