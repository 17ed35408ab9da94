package org.kumiki.campaign.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignReports;
import org.kumiki.platform.shelltest.GogoShell;

class CampaignReportCommandTest {
    private final List<Object[]> calls = new ArrayList<>();
    private final CampaignReports reports = (id, file, baseline) -> {
        calls.add(new Object[] {id, file, baseline});
        if (!id.startsWith("synthesis-")) {
            throw new CampaignException("unknown campaign '" + id + "'\nsecond line");
        }
        return (file != null ? file : Path.of("/home/state/campaign/reports", id, "report.html")).toAbsolutePath();
    };
    private final GogoShell shell = new GogoShell().add("campaign", new CampaignReportCommand(reports), "report");

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void writesToTheDefaultPlaceOrTheFileGiven() throws Exception {
        assertEquals("Wrote /home/state/campaign/reports/synthesis-1/report.html\n      /home/state/campaign/reports/synthesis-1/ro-crate-metadata.json\n",
                shell.run("campaign:report synthesis-1"));
        assertNull(calls.get(0)[1]);
        assertNull(calls.get(0)[2]);
        shell.run("campaign:report -b random-2 synthesis-1 /tmp/out/r.html");
        assertEquals(Path.of("/tmp/out/r.html"), calls.get(1)[1]);
        assertEquals("random-2", calls.get(1)[2]);
    }

    @Test
    void errorsAreOneLine() {
        assertEquals("unknown campaign 'nope-1'\\nsecond line", shell.failure("campaign:report nope-1").getMessage());
        assertEquals("invalid file name 'a\\u0000b'", shell.failure("campaign:report synthesis-1 \"a\u0000b\"").getMessage());
    }
}
