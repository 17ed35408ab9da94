package org.kumiki.campaign.command.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignReports;
import org.kumiki.platform.text.Text;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code campaign:report}: a component of its own, so the other campaign commands work on a site
 * without the report bundle.
 */
@Component(service = Object.class)
@GogoCommand(scope = "campaign", function = {"report"})
public class CampaignReportCommand {
    private final CampaignReports reports;

    @Activate
    public CampaignReportCommand(@Reference CampaignReports reports) {
        this.reports = reports;
    }

    @Descriptor("Write a campaign's self-contained HTML report (convergence, parameters explored, best result, provenance) and its RO-Crate beside it")
    public String report(
            @Descriptor("a campaign to draw as the baseline (e.g. random search on the same problem)") @Parameter(names = {"-b", "--baseline"}, absentValue = "") String baseline,
            @Descriptor("the campaign id, or a campaign name for its newest campaign") String id) {
        return write(baseline, id, null);
    }

    @Descriptor("Write a campaign's self-contained HTML report to FILE and its RO-Crate (ro-crate-metadata.json) beside it")
    public String report(
            @Descriptor("a campaign to draw as the baseline (e.g. random search on the same problem)") @Parameter(names = {"-b", "--baseline"}, absentValue = "") String baseline,
            @Descriptor("the campaign id, or a campaign name for its newest campaign") String id,
            @Descriptor("the HTML file to write (its folder is created)") String file) {
        Path target;
        try {
            target = Path.of(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid file name '" + Text.shown(file) + "'");
        }
        return write(baseline, id, target);
    }

    private String write(String baseline, String id, Path file) {
        try {
            Path page = reports.report(id, file, baseline.isBlank() ? null : baseline);
            return "Wrote " + page + "\n      " + page.resolveSibling("ro-crate-metadata.json") + "\n";
        } catch (CampaignException e) {
            throw new IllegalArgumentException(Text.oneLine(String.valueOf(e.getMessage())));
        }
    }
}
