package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * Against the real Slurm that {@code scripts/services/slurm.sh start} brings up. Skipped when
 * {@code sinfo} cannot reach a controller, unless {@code KUMIKI_REQUIRE_SLURM=1}: then it fails.
 */
class SlurmIntegrationTest {

    static final long WAIT_S = 60;

    @BeforeAll
    static void slurmIsUp() {
        String why = null;
        try {
            CommandRunner.Result r = CommandRunner.PROCESSES.run(List.of("sinfo", "-h", "-o", "%t"), 15_000);
            if (!r.ok()) why = "sinfo failed: " + r.errorLine();
            else if (r.stdout.isBlank()) why = "sinfo shows no node";
        } catch (IOException e) {
            why = "no sinfo: " + e.getMessage();
        }
        if (why == null) return;
        if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM"))) {
            fail("Slurm is required (KUMIKI_REQUIRE_SLURM=1) but not up: " + why + " (run scripts/services/slurm.sh start)");
        }
        Assumptions.abort("no Slurm here (" + why + "); start it with scripts/services/slurm.sh start");
    }

    @TempDir
    Path tmp;

    final List<SlurmBackend> backends = new ArrayList<>();
    SlurmBackend backend;

    /** The backend's settings; subclasses choose another transport. */
    SlurmBackend.Settings settings() {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollIntervalMs = 200;
        s.commandTimeoutMs = 30_000;
        return s;
    }

    SlurmBackend newBackend() {
        SlurmBackend.Settings s = settings();
        SlurmBackend b = new SlurmBackend(s, CommandRunner.PROCESSES);
        backends.add(b);
        return b;
    }

    @BeforeEach
    void up() {
        backend = newBackend();
    }

    @AfterEach
    void down() {
        backends.forEach(SlurmBackend::deactivate);
    }

    FakeExecution execution(String id, TaskSpec spec) {
        return new FakeExecution(id, spec, tmp.resolve(id));
    }

    FakeExecution start(String id, String... command) throws Exception {
        FakeExecution e = execution(id, TaskSpec.command(id, command));
        backend.start(e);
        assertNotNull(e.jobId);
        return e;
    }

    @Test
    void trivialJobCompletes() throws Exception {
        FakeExecution e = start("ok", "true");
        assertEquals("EXITED 0: null", e.await(WAIT_S));
        assertEquals("QUEUED " + e.jobId, e.calls.get(0));
        assertEquals("RUNNING " + e.jobId, e.calls.get(1), "running reported once Slurm ran it, before the end");
    }

    @Test
    void exitCodeIsReported() throws Exception {
        FakeExecution e = start("exit3", "sh", "-c", "exit 3");
        String end = e.await(WAIT_S);
        assertTrue(end.startsWith("EXITED 3: Slurm job " + e.jobId + " ended FAILED (exit code 3)"), end);
    }

    @Test
    void cancelledJobIsReportedCancelled() throws Exception {
        FakeExecution e = start("sleep", "sleep", "60");
        waitForState(e.jobId, "RUNNING");
        e.cancelRequested = true;
        backend.cancel(e);
        assertEquals("CANCELLED: cancelled (scancel " + e.jobId + ")", e.await(WAIT_S));
    }

    @Test
    void outputAndHostileArgumentsSurviveSlurm() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("printf", "<%s>\\n"));
        cmd.addAll(BatchJobTest.HOSTILE);
        TaskSpec spec = TaskSpec.command("hostile", cmd.toArray(String[]::new));
        spec.environment.put("KUMIKI_X", "$(x) '");
        FakeExecution e = execution("hostile", spec);
        backend.start(e);
        assertEquals("EXITED 0: null", e.await(WAIT_S));
        StringBuilder want = new StringBuilder();
        for (String h : BatchJobTest.HOSTILE) want.append('<').append(h).append(">\n");
        assertEquals(want.toString(), Files.readString(tmp.resolve("hostile").resolve("stdout")));
    }

    @Test
    void resourcesReachSlurm() throws Exception {
        TaskSpec spec = TaskSpec.command("res", "true");
        spec.resources.cpus = 2;
        spec.resources.memoryBytes = 100L * 1024 * 1024;
        spec.resources.walltimeSeconds = 61;
        spec.stdout = tmp.resolve("out.txt").toString();
        FakeExecution e = execution("res", spec);
        backend.start(e);
        assertEquals("EXITED 0: null", e.await(WAIT_S));
        String job = CommandRunner.PROCESSES.run(List.of("scontrol", "show", "job", "-o", e.jobId), 15_000).stdout;
        assertTrue(job.contains("TimeLimit=00:02:00"), job);
        assertTrue(job.contains("NumCPUs=2"), job);
        assertTrue(job.contains("MinMemoryNode=100M"), job);
        assertTrue(job.contains("StdOut=" + spec.stdout), job);
        assertTrue(job.contains("JobName=res"), job);
    }

    @Test
    void dependencyOnAFailedJobIsCancelledBySlurm() throws Exception {
        FakeExecution first = start("fails", "sh", "-c", "sleep 1; exit 1");
        FakeExecution second = execution("after", TaskSpec.command("after", "true"));
        second.dependencies.add("afterok:" + first.jobId);
        backend.start(second);
        assertTrue(first.await(WAIT_S).startsWith("EXITED 1"));
        assertEquals("CANCELLED: Slurm job " + second.jobId + " cancelled by Slurm: its dependency can never be satisfied",
                second.await(WAIT_S));
    }

    @Test
    void dependencyChainRunsInOrder() throws Exception {
        Path log = tmp.resolve("order.log");
        FakeExecution a = start("a", "sh", "-c", "sleep 1; echo a >> '" + log + "'");
        FakeExecution b = execution("b", TaskSpec.command("b", "sh", "-c", "echo b >> '" + log + "'"));
        b.dependencies.add("afterok:" + a.jobId);
        backend.start(b);
        FakeExecution c = execution("c", TaskSpec.command("c", "sh", "-c", "echo c >> '" + log + "'"));
        c.dependencies.add("afterany:" + b.jobId);
        backend.start(c);
        assertEquals("EXITED 0: null", c.await(WAIT_S));
        assertEquals("EXITED 0: null", a.await(1));
        assertEquals("EXITED 0: null", b.await(1));
        assertEquals("a\nb\nc\n", Files.readString(log));
    }

    @Test
    void badPartitionIsRejectedBySbatch() {
        TaskSpec spec = TaskSpec.command("bad", "true");
        spec.partition = "no-such-partition";
        FakeExecution e = execution("bad", spec);
        Exception x = assertThrows(IOException.class, () -> backend.start(e));
        assertTrue(x.getMessage().startsWith("sbatch failed: ") || x.getMessage().startsWith("slurmrestd submit failed: "),
                x.getMessage());
        assertTrue(x.getMessage().toLowerCase().contains("partition"), x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
        assertEquals(0, backend.tracked());
    }

    @Test
    void aNewBackendReattachesToARunningJob() throws Exception {
        FakeExecution e = start("long", "sleep", "2");
        backend.deactivate();
        SlurmBackend again = newBackend();
        FakeExecution resumed = execution("long", e.spec);
        assertTrue(again.reattach(resumed, e.jobId));
        assertEquals("EXITED 0: null", resumed.await(WAIT_S));
        assertTrue(!e.terminal.isDone(), "the deactivated backend reported nothing");
    }

    @Test
    void reattachToAnUnknownJobIsLost() throws Exception {
        FakeExecution e = execution("ghost", TaskSpec.command("ghost", "true"));
        assertTrue(backend.reattach(e, "99999999"));
        assertTrue(e.await(WAIT_S).startsWith("LOST: Slurm no longer knows job 99999999"));
    }

    private static void waitForState(String jobId, String state) throws Exception {
        long end = System.currentTimeMillis() + WAIT_S * 1000;
        while (System.currentTimeMillis() < end) {
            String s = CommandRunner.PROCESSES.run(List.of("squeue", "-h", "-o", "%T", "-j", jobId), 15_000).stdout.strip();
            if (s.equals(state)) return;
            Thread.sleep(100);
        }
        fail("job " + jobId + " never reached " + state);
    }
}
