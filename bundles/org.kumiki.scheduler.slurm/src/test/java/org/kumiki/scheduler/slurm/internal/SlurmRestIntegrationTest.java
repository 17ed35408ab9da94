package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * The same tests with submit and cancel through slurmrestd (the poller still uses squeue),
 * plus the poller through slurmrestd ({@code rest.poll}), which {@code scripts/services/slurm.sh start} runs on
 * 127.0.0.1:6820 (its env file names the URL). Skipped when it does not answer, unless the env
 * file names a URL and {@code KUMIKI_REQUIRE_SLURM=1}: then it fails.
 */
class SlurmRestIntegrationTest extends SlurmIntegrationTest {

    static final Path ENV = Path.of(System.getenv().getOrDefault("KUMIKI_SLURM_DIR", "/var/lib/kumiki-slurm"), "env");
    static String url;

    @BeforeAll
    static void restIsUp() {
        String declared = null;
        try {
            for (String line : Files.readAllLines(ENV)) {
                if (line.startsWith("KUMIKI_SLURMRESTD_URL=")) declared = line.substring(22).strip();
            }
        } catch (IOException e) {
            // no env file: no slurm.sh here
        }
        url = System.getenv().getOrDefault("KUMIKI_SLURMRESTD_URL",
                declared == null || declared.isEmpty() ? "http://127.0.0.1:6820" : declared);
        String why;
        try {
            Map<String, SlurmStatus> jobs = new SlurmRest(url, "", "", 600, CommandRunner.PROCESSES, "scontrol", 10_000).jobs();
            why = jobs == null ? "no answer" : null;
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (why == null) return;
        if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM")) && declared != null && !declared.isEmpty()) {
            fail("slurmrestd is required (KUMIKI_REQUIRE_SLURM=1, " + ENV + " names " + declared + ") but: " + why);
        }
        Assumptions.abort("no slurmrestd at " + url + ": " + why);
    }

    @Override
    SlurmBackend.Settings settings() {
        SlurmBackend.Settings s = super.settings();
        s.restUrl = url;
        return s;
    }

    @Test
    void pollingThroughSlurmrestdReadsExitCodesAndCancels() throws Exception {
        SlurmBackend.Settings s = settings();
        s.restPoll = true;
        SlurmBackend b = new SlurmBackend(s, CommandRunner.PROCESSES);
        backends.add(b);
        FakeExecution fails = execution("rest-exit", TaskSpec.command("rest-exit", "sh", "-c", "exit 7"));
        b.start(fails);
        FakeExecution after = execution("rest-after", TaskSpec.command("rest-after", "true"));
        after.dependencies.add("afterok:" + fails.jobId);
        b.start(after);
        FakeExecution sleeper = execution("rest-sleep", TaskSpec.command("rest-sleep", "sleep", "60"));
        b.start(sleeper);
        b.cancel(sleeper);
        assertTrue(fails.await(WAIT_S).startsWith("EXITED 7: Slurm job " + fails.jobId + " ended FAILED (exit code 7)"));
        assertEquals("CANCELLED: Slurm job " + after.jobId + " cancelled by Slurm: its dependency can never be satisfied",
                after.await(WAIT_S));
        assertEquals("CANCELLED: cancelled (scancel " + sleeper.jobId + ")", sleeper.await(WAIT_S));
    }
}
