package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;

/** The backend against a scripted Slurm: what it runs, and how it reads the answers. */
class SlurmBackendTest {

    /** Answers Slurm commands from a function the test swaps; records every command line. */
    static final class ScriptedSlurm implements CommandRunner {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        volatile Function<List<String>, Object> answer = argv -> new Result(0, "", "");

        @Override
        public Result run(List<String> argv, long timeoutMs) throws IOException {
            calls.add(argv);
            Object o = answer.apply(argv);
            if (o instanceof IOException) throw (IOException) o;
            return (Result) o;
        }

        long count(String command) {
            synchronized (calls) {
                return calls.stream().filter(c -> c.get(0).equals(command)).count();
            }
        }
    }

    static CommandRunner.Result ok(String out) {
        return new CommandRunner.Result(0, out, "");
    }

    static CommandRunner.Result err(String err) {
        return new CommandRunner.Result(1, "", err);
    }

    @TempDir
    Path tmp;

    final ScriptedSlurm slurm = new ScriptedSlurm();
    SlurmBackend backend;

    SlurmBackend backend(int maxGpus) {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollInBackground = false; // the test polls by hand
        s.maxGpusPerNode = maxGpus;
        s.partition = "debug";
        backend = new SlurmBackend(s, slurm);
        return backend;
    }

    @AfterEach
    void stop() {
        if (backend != null) backend.deactivate();
    }

    FakeExecution execution(String id, String... command) {
        return new FakeExecution(id, TaskSpec.command(id, command), tmp.resolve(id));
    }

    @Test
    void isUnboundedAndOrdersDependencies() {
        ExecutionBackend b = backend(0);
        assertEquals(-1, b.capacity().cpus);
        assertTrue(b.supportsNativeDependencies());
    }

    @Test
    void rejectsFunctionsAndTooManyGpus() {
        SlurmBackend b = backend(4);
        assertEquals(SlurmBackend.FUNCTION_REJECT, b.rejects(TaskSpec.function("f", "fn", null)));
        TaskSpec gpus = TaskSpec.command("g", "true");
        gpus.resources.gpus = 5;
        assertTrue(b.rejects(gpus).startsWith("asks for 5 GPUs"), b.rejects(gpus));
        gpus.resources.gpus = 4;
        assertNull(b.rejects(gpus));
        assertFalse(b.rejects(new TaskSpec()).isEmpty());
    }

    @Test
    void startWritesScriptSubmitsAndReportsQueued() throws Exception {
        slurm.answer = argv -> ok("77\n");
        SlurmBackend b = backend(0);
        FakeExecution e = execution("task-1", "echo", "'; rm -rf / #");
        e.dependencies.add("afterok:70");
        b.start(e);
        assertEquals(List.of("QUEUED 77"), e.calls, "queued, not running: Slurm has not started it yet");
        List<String> sbatch = slurm.calls.get(0);
        assertEquals("sbatch", sbatch.get(0));
        assertTrue(sbatch.contains("--dependency=afterok:70"), sbatch.toString());
        assertTrue(sbatch.contains("--partition=debug"), sbatch.toString());
        Path script = tmp.resolve("task-1").resolve("slurm-1.sh");
        assertEquals(script.toString(), sbatch.get(sbatch.size() - 1));
        assertTrue(Files.readString(script).contains("exec 'echo' ''\\''; rm -rf / #'\n"));
        assertEquals(1, b.tracked());
    }

    @Test
    void sbatchFailureThrowsOneLine() {
        slurm.answer = argv -> err("sbatch: error: Batch job submission failed: Invalid partition name specified\n");
        SlurmBackend b = backend(0);
        Exception x = assertThrows(IOException.class, () -> b.start(execution("t", "true")));
        assertEquals("sbatch failed: sbatch: error: Batch job submission failed: Invalid partition name specified", x.getMessage());
        assertEquals(0, b.tracked());
    }

    @Test
    void sbatchThatCannotRunThrows() {
        slurm.answer = argv -> new IOException("Cannot run program \"sbatch\": error=2, No such file or directory");
        SlurmBackend b = backend(0);
        Exception x = assertThrows(IOException.class, () -> b.start(execution("t", "true")));
        assertTrue(x.getMessage().startsWith("sbatch failed: Cannot run program"), x.getMessage());
    }

    @Test
    void runningIsReportedWhenSqueueSaysSoNotAtSubmit() throws Exception {
        slurm.answer = argv -> ok("88\n");
        SlurmBackend b = backend(0);
        FakeExecution e = execution("task-9", "sleep", "5");
        b.start(e);
        slurm.answer = argv -> ok("88|PENDING|Priority\n");
        b.pollOnce();
        assertEquals(List.of("QUEUED 88"), e.calls);
        slurm.answer = argv -> ok("88|RUNNING|None\n");
        b.pollOnce();
        b.pollOnce();
        assertEquals(List.of("QUEUED 88", "RUNNING 88"), e.calls, "reported once");
    }

    @Test
    void onePollQueriesAllJobsAtOnce() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e1 = execution("a", "true");
        FakeExecution e2 = execution("b", "true");
        FakeExecution e3 = execution("c", "true");
        b.reattach(e1, "10");
        b.reattach(e2, "11");
        b.reattach(e3, "12");
        slurm.calls.clear();
        slurm.answer = argv -> {
            switch (argv.get(0)) {
                case "squeue": return ok("10|RUNNING|None\n11|PENDING|Priority\n");
                case "sacct": return ok("12|FAILED|3:0\n");
                default: return err("unexpected");
            }
        };
        b.pollOnce();
        assertEquals(1, slurm.count("squeue"));
        assertEquals(1, slurm.count("sacct"));
        assertEquals(0, slurm.count("scontrol"));
        List<String> squeue = slurm.calls.get(0);
        assertEquals(List.of("10", "11", "12"), List.of(squeue.get(squeue.size() - 1).split(",")).stream().sorted().toList());
        assertTrue(e3.await(1).startsWith("EXITED 3: Slurm job 12 ended FAILED (exit code 3)"), e3.await(1));
        assertFalse(e1.terminal.isDone());
        assertEquals(2, b.tracked());
    }

    @Test
    void controllerOutageKeepsJobs() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "10");
        slurm.answer = argv -> err("slurm_load_jobs error: Unable to contact slurm controller (connect failure)");
        for (int i = 0; i < 5; i++) b.pollOnce();
        slurm.answer = argv -> new IOException("squeue did not answer within 30000 ms");
        b.pollOnce();
        assertFalse(e.terminal.isDone());
        assertEquals(0, slurm.count("sacct"));
        assertEquals(1, b.tracked());
        slurm.answer = argv -> argv.get(0).equals("squeue") ? ok("") : ok("10|COMPLETED|0:0\n");
        b.pollOnce();
        assertEquals("EXITED 0: null", e.await(1));
    }

    @Test
    void allIdsUnknownToSqueueIsNotAnOutage() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "10");
        slurm.answer = argv -> {
            switch (argv.get(0)) {
                case "squeue": return err("slurm_load_jobs error: Invalid job id specified");
                case "sacct": return ok("");
                default: return ok("JobId=10 JobName=x JobState=TIMEOUT Reason=TimeLimit ExitCode=0:1");
            }
        };
        b.pollOnce();
        assertTrue(e.await(1).startsWith("TIMED_OUT: Slurm job 10 reached its time limit"), e.await(1));
    }

    @Test
    void unknownJobIsLostAfterTwoPolls() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "999");
        slurm.answer = argv -> {
            switch (argv.get(0)) {
                case "squeue": return err("slurm_load_jobs error: Invalid job id specified");
                case "sacct": return ok("");
                default: return err("slurm_load_jobs error: Invalid job id specified");
            }
        };
        b.pollOnce();
        assertFalse(e.terminal.isDone());
        b.pollOnce();
        assertTrue(e.await(1).startsWith("LOST: Slurm no longer knows job 999"), e.await(1));
        assertEquals(0, b.tracked());
    }

    @Test
    void accountingAnswersWhenTheCompletionFileDoesNot() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "21");
        slurm.answer = argv -> {
            switch (argv.get(0)) {
                case "squeue": return ok("");
                case "sacct": return argv.contains("-c") ? err("sacct: error: jobcomp/none") : ok("21|COMPLETED|0:0\n21.batch|COMPLETED|0:0\n");
                default: return err("unexpected");
            }
        };
        b.pollOnce();
        assertEquals("EXITED 0: null", e.await(1));
        assertEquals(2, slurm.count("sacct"));
        assertEquals(0, slurm.count("scontrol"));
    }

    @Test
    void scontrolFailureIsRetriedNotLost() {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "5");
        slurm.answer = argv -> argv.get(0).equals("scontrol")
                ? err("slurm_load_jobs error: Unable to contact slurm controller") : ok("");
        for (int i = 0; i < 4; i++) b.pollOnce();
        assertFalse(e.terminal.isDone());
    }

    @Test
    void cancelRunsScancelAndReportsCancelled() throws Exception {
        slurm.answer = argv -> ok("31\n");
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "sleep", "60");
        b.start(e);
        b.cancel(e);
        assertTrue(slurm.calls.stream().anyMatch(c -> c.equals(List.of("scancel", "31"))));
        slurm.answer = argv -> argv.get(0).equals("squeue") ? ok("") : ok("31|CANCELLED|0:0\n");
        b.pollOnce();
        assertEquals("CANCELLED: cancelled (scancel 31)", e.await(1));
    }

    @Test
    void dependencyCancelAsksScontrolForTheReason() throws Exception {
        SlurmBackend b = backend(0);
        FakeExecution e = execution("a", "true");
        b.reattach(e, "4");
        slurm.answer = argv -> {
            switch (argv.get(0)) {
                case "squeue": return ok("");
                case "sacct": return ok("4|CANCELLED|0:0\n");
                default: return ok("JobId=4 JobState=CANCELLED Reason=DependencyNeverSatisfied ExitCode=0:0");
            }
        };
        b.pollOnce();
        assertEquals("CANCELLED: Slurm job 4 cancelled by Slurm: its dependency can never be satisfied", e.await(1));
    }

    @Test
    void reattachRefusesIdsThatAreNotSlurmIds() {
        SlurmBackend b = backend(0);
        assertFalse(b.reattach(execution("a", "true"), "12; rm"));
        assertFalse(b.reattach(execution("a", "true"), null));
        assertTrue(b.reattach(execution("a", "true"), "12"));
    }

    @Test
    void deactivateStopsThePoller() throws Exception {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollIntervalMs = 50;
        SlurmBackend b = new SlurmBackend(s, slurm);
        b.reattach(execution("a", "true"), "1");
        slurm.answer = argv -> ok("1|RUNNING|None\n");
        Thread.sleep(300);
        b.deactivate();
        long n = slurm.count("squeue");
        assertTrue(n >= 2, "polled " + n);
        Thread.sleep(300);
        assertEquals(n, slurm.count("squeue"));
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("kumiki-slurm-poller") && t.isAlive()));
    }
}
