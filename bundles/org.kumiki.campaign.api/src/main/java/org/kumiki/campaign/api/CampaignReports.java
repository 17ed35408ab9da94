package org.kumiki.campaign.api;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes what a campaign did for readers outside Kumiki: a self-contained HTML report and an
 * RO-Crate ({@code ro-crate-metadata.json}) beside it.
 */
@ProviderType
public interface CampaignReports {

    /**
     * Writes the HTML report of a campaign to {@code file} (created with its folders), and in the
     * same folder {@code ro-crate-metadata.json} and a copy of the campaign file.
     *
     * @param file where to write the page; null for {@code state/campaign/reports/<id>/report.html}
     * @param baselineId a campaign (e.g. random search on the same landscape) whose convergence is
     *        drawn beside this one; null for none
     * @return the page written
     * @throws CampaignException for an unknown id, or a file that cannot be written (one line)
     */
    Path report(String id, Path file, String baselineId);
}
