package org.kumiki.campaign.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.osgi.annotation.versioning.ProviderType;

/** Runs campaigns durably: they survive a restart of the framework and go on. Thread-safe. */
@ProviderType
public interface CampaignService {

    /**
     * Reads a campaign file (JSON, or YAML for {@code .yaml}/{@code .yml}), validates it and
     * starts it. The campaign is durable when this returns.
     *
     * @throws CampaignException with one {@code file:line:col: message} line per problem
     */
    CampaignStatusDTO start(Path file);

    /**
     * Reads and validates a campaign file without starting it.
     *
     * @throws CampaignException with one {@code file:line:col: message} line per problem
     */
    CampaignDefinition read(Path file);

    /**
     * Validates and starts a campaign given as a definition.
     *
     * @throws CampaignException with one line per problem
     */
    CampaignStatusDTO start(CampaignDefinition definition);

    /** Every campaign known, newest first. */
    List<CampaignStatusDTO> list();

    Optional<CampaignStatusDTO> status(String id);

    /**
     * Every evaluation of a campaign so far, in proposal order.
     *
     * @throws CampaignException for an unknown id
     */
    List<EvaluationDTO> evaluations(String id);

    /**
     * Starts no new evaluation; those in flight finish and are recorded.
     *
     * @throws CampaignException for an unknown id or a campaign that has ended
     */
    CampaignStatusDTO pause(String id);

    /** @throws CampaignException for an unknown id or a campaign that is not paused */
    CampaignStatusDTO resume(String id);

    /**
     * Cancels the evaluations in flight and ends the campaign.
     *
     * @throws CampaignException for an unknown id or a campaign that has ended
     */
    CampaignStatusDTO abort(String id);
}
