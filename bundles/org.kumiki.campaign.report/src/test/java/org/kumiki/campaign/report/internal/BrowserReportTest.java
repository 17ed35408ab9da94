package org.kumiki.campaign.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Opens a report in a real headless browser: Debian's chromium driven by playwright-core
 * (installed by {@code scripts/services/browser.sh start} into {@code ~/.cache/kumiki-browser},
 * or {@code KUMIKI_BROWSER_DIR}). Skips when node, chromium or playwright-core are missing, and
 * fails instead when {@code KUMIKI_REQUIRE_BROWSER=1}.
 */
class BrowserReportTest {
    @TempDir
    Path dir;

    private static Path browserDir() {
        String d = System.getenv("KUMIKI_BROWSER_DIR");
        return d != null && !d.isBlank() ? Path.of(d) : Path.of(System.getProperty("user.home"), ".cache", "kumiki-browser");
    }

    private static Path chromium() {
        String c = System.getenv("KUMIKI_CHROMIUM");
        return Path.of(c != null && !c.isBlank() ? c : "/usr/bin/chromium");
    }

    private static void requireTools() {
        String missing = null;
        if (!Files.isExecutable(chromium())) {
            missing = chromium() + " is missing (apt-get install chromium)";
        } else if (!Files.isDirectory(browserDir().resolve("node_modules/playwright-core"))) {
            missing = "playwright-core is missing from " + browserDir() + " (scripts/services/browser.sh start)";
        } else if (!onPath("node")) {
            missing = "node is missing (apt-get install nodejs)";
        }
        if (missing != null) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_BROWSER"))) {
                fail("KUMIKI_REQUIRE_BROWSER=1 but " + missing);
            }
            Assumptions.abort("no headless browser: " + missing + "; set KUMIKI_REQUIRE_BROWSER=1 to fail instead");
        }
    }

    private static boolean onPath(String program) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, program))) {
                return true;
            }
        }
        return false;
    }

    private JsonNode check(Path report) throws IOException, InterruptedException {
        Path script = dir.resolve("check.js");
        try (InputStream in = BrowserReportTest.class.getResourceAsStream("/browser/check.js")) {
            Files.copy(in, script);
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), report.toString());
        pb.environment().put("NODE_PATH", browserDir().resolve("node_modules").toString());
        pb.environment().put("KUMIKI_CHROMIUM", chromium().toString());
        pb.redirectErrorStream(false);
        pb.redirectError(dir.resolve("check.err").toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        // generous: chromium starts slowly on a loaded machine
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("check.js did not finish within 240 s");
        }
        String stdout = new String(out, StandardCharsets.UTF_8).trim();
        String stderr = Files.readString(dir.resolve("check.err"));
        assertEquals(0, p.exitValue(), "check.js failed: " + stderr + stdout);
        String[] lines = stdout.split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void theReportRendersItsChartsWithOnePointPerEvaluationAndNoErrors() throws Exception {
        requireTools();
        Synthetic campaigns = new Synthetic();
        campaigns.add("synthesis-1", "bayesian", 17, null, null);
        campaigns.add("random-2", "random", 30, null, null);
        Path report = new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", dir.resolve("report/report.html"), "random-2");
        JsonNode r = check(report);

        assertEquals(List.of(), listOf(r.get("errors")), "no console errors, page errors, dialogs or network requests");
        assertEquals("5.3.1", r.get("echarts").asText(), "the inlined ECharts ran");
        long n = Synthetic.completed(campaigns.evaluations.get("synthesis-1"));
        assertEquals(n, r.get("best").asLong(), "the convergence series has one point per completed evaluation");
        assertEquals(n, r.get("values").asLong());
        assertEquals(Synthetic.completed(campaigns.evaluations.get("random-2")), r.get("baseline").asLong(), "the random baseline is drawn");
        assertEquals(n, r.get("parameters").asLong(), "one line per evaluation in the parallel coordinates");
        assertTrue(r.get("paintedConvergence").asLong() > 1000, "the convergence canvas has been painted");
        assertTrue(r.get("paintedParameters").asLong() > 1000, "the parameters canvas has been painted");

        // the hostile parameter name is text: it ran nothing and added no element
        assertFalse(r.get("pwned").asBoolean(), "campaign text ran as script");
        assertEquals(0, r.get("images").asInt(), "campaign text became an element");
        assertEquals(3, r.get("scripts").asInt());
        assertTrue(r.get("text").asText().contains(Synthetic.HOSTILE), "the hostile name is shown as text");
        assertTrue(listOf(r.get("parallelAxes")).contains(Synthetic.HOSTILE), "and as an axis name on the canvas");
    }

    @Test
    void anEmptyCampaignRendersWithoutErrors() throws Exception {
        requireTools();
        Synthetic campaigns = new Synthetic();
        campaigns.add("empty-1", "sobol", 0, null, null);
        JsonNode r = check(new CampaignReportsImpl(campaigns.service(), dir).report("empty-1", dir.resolve("e/report.html"), null));
        assertEquals(List.of(), listOf(r.get("errors")));
        assertEquals(0, r.get("best").asInt());
    }

    private static List<String> listOf(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
