package org.kumiki.campaign.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class HtmlReportTest {
    @TempDir
    Path dir;

    private final Synthetic campaigns = new Synthetic();
    private final ObjectMapper json = new ObjectMapper();

    private String page(Path file) throws Exception {
        return Files.readString(file);
    }

    /** The JSON island the page's script reads. */
    private JsonNode island(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"kumiki-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "the page has its data island");
        return json.readTree(m.group(1));
    }

    @Test
    void writesOneSelfContainedPageWithEChartsInlined() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 12, null, null);
        Path out = new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", dir.resolve("r/report.html"), null);
        assertEquals(dir.resolve("r/report.html").toAbsolutePath(), out);
        String html = page(out);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("echarts.init"), "draws with ECharts");
        assertTrue(html.length() > 1_000_000, "ECharts (about 1 MB) is inlined, not linked");
        assertFalse(Pattern.compile("<script[^>]+src=|<link[^>]+href=|https?://cdn", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "nothing is fetched: the page opens offline");
        assertTrue(Files.exists(dir.resolve("r/ro-crate-metadata.json")), "the RO-Crate lies beside the page");
    }

    @Test
    void aCampaignNameStandsForItsNewestCampaign() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 6, null, null);
        campaigns.add("synthesis-2", "bayesian", 9, null, null).createdAt += 60_000;
        CampaignReportsImpl reports = new CampaignReportsImpl(campaigns.service(), dir);
        Path page = reports.report("synthesis", null, null);
        assertEquals(dir.resolve("synthesis-2").resolve("report.html").toAbsolutePath().normalize(), page);
        CampaignException e = assertThrows(CampaignException.class, () -> reports.report("nosuch", null, null));
        assertTrue(e.getMessage().contains("unknown campaign 'nosuch'"), e.getMessage());
    }

    @Test
    void convergenceHasOnePointPerCompletedEvaluationInTheOrderTheyEnded() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 15, null, null);
        List<EvaluationDTO> evs = campaigns.evaluations.get("synthesis-1");
        JsonNode data = island(page(new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", null, null)));
        JsonNode best = data.at("/convergence/best");
        assertEquals(Synthetic.completed(evs), best.size(), "15 evaluations, 3 failed: 12 points");
        assertEquals(12, data.at("/convergence/values").size());
        assertEquals(12, data.at("/parameters/rows").size());
        double prev = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < best.size(); i++) {
            assertEquals(i + 1, best.get(i).get(0).asInt());
            double y = best.get(i).get(1).asDouble();
            assertTrue(y >= prev, "best so far never gets worse when maximising");
            prev = y;
        }
        CampaignStatusDTO s = campaigns.statuses.get("synthesis-1");
        assertEquals(s.best.score, prev, 1e-12, "ends at the best result");
        assertEquals("yield", data.at("/convergence/axis").asText());
        assertTrue(data.path("baseline").isMissingNode(), "no baseline unless asked");
    }

    @Test
    void minimisingAndTargetObjectivesPlotTheRightBest() {
        Synthetic c = new Synthetic();
        c.add("lj-1", "bayesian", 10, null, null);
        CampaignStatusDTO s = c.statuses.get("lj-1");
        s.definition.objectives.get(0).goal = Goal.MINIMISE;
        Convergence min = Convergence.of(s.definition, c.evaluations.get("lj-1"));
        double lowest = c.evaluations.get("lj-1").stream().filter(e -> e.score != null).mapToDouble(e -> e.objectives.get("yield")).min().orElseThrow();
        assertEquals(lowest, min.best.get(min.best.size() - 1)[1], 1e-12);
        s.definition.objectives.get(0).goal = Goal.TARGET;
        s.definition.objectives.get(0).target = 0.9;
        Convergence target = Convergence.of(s.definition, c.evaluations.get("lj-1"));
        double closest = c.evaluations.get("lj-1").stream().filter(e -> e.score != null).mapToDouble(e -> Math.abs(e.objectives.get("yield") - 0.9)).min().orElseThrow();
        assertEquals(closest, target.best.get(target.best.size() - 1)[1], 1e-12);
        assertTrue(target.axis.startsWith("|yield - 0.9|"));
    }

    @Test
    void drawsTheBaselineCampaignScoredByTheSameObjective() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 10, null, null);
        campaigns.add("random-2", "random", 25, null, null);
        JsonNode data = island(page(new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", null, "random-2")));
        assertEquals(Synthetic.completed(campaigns.evaluations.get("random-2")), data.at("/baseline/best").size());
        assertTrue(data.at("/baseline/label").asText().contains("random-2"));
    }

    @Test
    void campaignProvidedTextIsEscapedEverywhere() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 10, null, null);
        String html = page(new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", null, null));
        String ours = html.replace(CampaignReportsImpl.echarts(), ""); // the library's own text aside
        assertTrue(ours.length() < html.length() - 1_000_000);
        assertFalse(ours.contains("<img"), "no element comes from campaign text");
        assertFalse(ours.contains("<script>window.__pwned"), "no script comes from campaign text");
        // the only </script> closings are the page's own three scripts
        assertEquals(3, ours.split("</script>", -1).length - 1);
        assertTrue(html.contains(HtmlReport.esc(Synthetic.HOSTILE)), "shown as text in the tables");
        JsonNode data = island(html);
        assertEquals(Synthetic.HOSTILE, data.at("/parameters/axes/3/name").asText(), "the chart gets the name as data");
    }

    @Test
    void escapesEveryMarkupCharacterAndControlCharacters() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp; z", HtmlReport.esc("<a href=\"x\" title='y'>& z"));
        assertEquals("a b", HtmlReport.esc("a\u0007b"));
        assertEquals("", HtmlReport.esc(null));
    }

    @Test
    void unknownCampaignsAndUnwritableFilesAreOneLine() throws Exception {
        campaigns.add("synthesis-1", "bayesian", 3, null, null);
        CampaignReportsImpl reports = new CampaignReportsImpl(campaigns.service(), dir);
        CampaignException e = assertThrows(CampaignException.class, () -> reports.report("nope-9", null, null));
        assertEquals("unknown campaign 'nope-9'", e.getMessage());
        e = assertThrows(CampaignException.class, () -> reports.report("synthesis-1", null, "nope-3"));
        assertEquals("unknown campaign 'nope-3'", e.getMessage());
        Files.writeString(dir.resolve("blocker"), "a file, not a folder");
        e = assertThrows(CampaignException.class, () -> reports.report("synthesis-1", dir.resolve("blocker/report.html"), null));
        assertTrue(e.getMessage().startsWith("cannot write the report of synthesis-1 to "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aCampaignWithNothingCompletedStillRenders() throws Exception {
        campaigns.add("empty-1", "sobol", 0, null, null);
        String html = page(new CampaignReportsImpl(campaigns.service(), dir).report("empty-1", null, null));
        assertTrue(html.contains("No evaluation has completed."));
        assertEquals(0, island(html).at("/convergence/best").size());
        assertNull(campaigns.statuses.get("empty-1").best);
        assertNotNull(HtmlReport.class);
    }
}
