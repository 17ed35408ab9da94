package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped campaign examples run as a newcomer runs them: from the workstation jar, to their
 * end, with a report. (The flagship, synthesis.yaml, also runs in org.kumiki.campaign.test.)
 */
class ExamplesSmokeTest {

    static final Path EXAMPLES = DistributionSmokeTest.DISTRIBUTIONS.resolve("../examples/campaigns").normalize();

    @Test
    void theFlagshipRunsToItsReportAsTheReadmeSays(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report/report.html");
        DistributionSmokeTest.Result r = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir,
                "campaign:run -w " + EXAMPLES.resolve("synthesis.yaml") + "\ncampaign:report synthesis " + report + "\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("synthesis-1  COMPLETED"), r.out());
        assertTrue(r.out().matches("(?s).*best\\s+predicted_yield=\\S+ yield=0\\.(8[5-9]|9)\\d*.*"), "the optimum (0.92) is found: " + r.out());
        assertTrue(r.out().contains("SCREENED"), "the reaction model screens some points: " + r.out());
        String html = Files.readString(report);
        assertTrue(html.contains("echarts") && html.contains("synthesis-1"), "a self-contained page");
        assertTrue(Files.isRegularFile(report.resolveSibling("ro-crate-metadata.json")));
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void ljPressureFindsTheTemperatureOfTheTargetPressure(@TempDir Path dir) throws Exception {
        DistributionSmokeTest.Result r = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir,
                "campaign:run -w " + EXAMPLES.resolve("lj-pressure.yaml") + "\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("lj-pressure-1  COMPLETED"), r.out());
        assertTrue(r.out().contains("evaluations  10/10 done, 0 failed"), r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("best\\s+pressure=(\\S+) at T=(\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(2.0, Double.parseDouble(m.group(1)), 0.5, "near the target pressure: " + r.out());
    }

    @Test
    void theSweepRunsEveryGridPoint(@TempDir Path dir) throws Exception {
        DistributionSmokeTest.Result r = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir,
                "campaign:run -w " + EXAMPLES.resolve("sweep.yaml") + "\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("sweep-1  COMPLETED"), r.out());
        assertTrue(r.out().contains("evaluations  9/9 done, 0 failed"), r.out());
        for (String t : new String[] {"T=0.8 ", "T=1.2 ", "T=1.6 "}) {
            assertTrue(r.out().split(java.util.regex.Pattern.quote(t), -1).length - 1 >= 3, t + " thrice: " + r.out());
        }
    }
}
