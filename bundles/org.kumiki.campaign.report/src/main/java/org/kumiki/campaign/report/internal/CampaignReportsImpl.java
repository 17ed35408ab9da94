package org.kumiki.campaign.report.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignReports;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.platform.api.Installation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes a campaign's HTML report and, beside it, its RO-Crate and a copy of its campaign file
 * (when the file is still as it was when the campaign started).
 */
@Component(service = CampaignReports.class)
public class CampaignReportsImpl implements CampaignReports {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignReportsImpl.class);
    /** Where bnd puts ECharts in the bundle (bnd.bnd), as in the webjar. */
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    private final CampaignService campaigns;
    private final Path reportsDir;

    @Activate
    public CampaignReportsImpl(@Reference CampaignService campaigns, @Reference Installation installation) {
        this(campaigns, installation.stateDirectory("campaign").resolve("reports"));
    }

    CampaignReportsImpl(CampaignService campaigns, Path reportsDir) {
        this.campaigns = campaigns;
        this.reportsDir = reportsDir;
    }

    @Override
    public Path report(String idOrName, Path file, String baselineId) {
        HtmlReport.Campaign campaign = campaign(idOrName);
        String id = campaign.status().id;
        HtmlReport.Campaign baseline = baselineId == null || baselineId.isBlank() ? null : campaign(baselineId);
        Path page = (file != null ? file : reportsDir.resolve(id).resolve("report.html")).toAbsolutePath().normalize();
        if (Files.isDirectory(page)) {
            page = page.resolve("report.html");
        }
        Path dir = page.getParent();
        String html = HtmlReport.render(campaign, baseline, echarts());
        try {
            Files.createDirectories(dir);
            String copied = null;
            String note = null;
            CampaignStatusDTO s = campaign.status();
            if (s.source == null) {
                note = "the campaign was given as a definition, not a file";
            } else {
                Path src = Path.of(s.source);
                String name = src.getFileName().toString();
                if (name.equals(page.getFileName().toString()) || name.equals(RoCrate.METADATA)) {
                    name = "campaign-" + name;
                }
                if (!Files.isRegularFile(src)) {
                    note = s.source + " is gone";
                } else if (s.sourceHash != null && !s.sourceHash.equalsIgnoreCase(sha256(src))) {
                    note = s.source + " has changed since the campaign started";
                } else {
                    Path target = dir.resolve(name);
                    if (!target.equals(src.toAbsolutePath().normalize())) {
                        Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    copied = name;
                }
            }
            write(page, html);
            var crate = RoCrate.build(s, campaign.evaluations(), copied, note, page.getFileName().toString(), Instant.now());
            write(dir.resolve(RoCrate.METADATA), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(crate));
        } catch (IOException e) {
            throw new CampaignException("cannot write the report of " + id + " to " + page + ": " + e.getMessage());
        }
        LOG.info("campaign {}: report written to {}", id, page);
        return page;
    }

    /** A campaign id, or a campaign name standing for the newest campaign of that name. */
    private HtmlReport.Campaign campaign(String idOrName) {
        CampaignStatusDTO s = campaigns.status(idOrName)
                .or(() -> campaigns.list().stream()
                        .filter(c -> idOrName.equals(c.name))
                        .max(java.util.Comparator.comparingLong((CampaignStatusDTO c) -> c.createdAt).thenComparing(c -> c.id)))
                .orElseThrow(() -> new CampaignException("unknown campaign '" + idOrName + "'"));
        List<EvaluationDTO> evs = campaigns.evaluations(s.id);
        return new HtmlReport.Campaign(s, evs);
    }

    /** Written to a temporary file and moved: a reader never sees half a page. */
    private static void write(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String echarts() {
        try (InputStream in = CampaignReportsImpl.class.getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IllegalStateException(ECHARTS + " is missing from the bundle (a broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ECHARTS + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
