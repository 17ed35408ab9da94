package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.ArrayDTO;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;

/**
 * Task arrays through the real scheduler core and the real Slurm: one sbatch --array per
 * batch, each element its own record, retries, cancel, dependencies, re-attach. Skipped
 * without Slurm unless KUMIKI_REQUIRE_SLURM=1.
 */
class SlurmArrayIntegrationTest {

    @BeforeAll
    static void slurmIsUp() {
        SlurmIntegrationTest.slurmIsUp();
    }

    @TempDir
    Path tmp;

    final List<AutoCloseable> open = new ArrayList<>();
    /** Every sbatch the backend ran (argv). */
    final List<List<String>> sbatches = java.util.Collections.synchronizedList(new ArrayList<>());

    String workerJar;

    SchedulerImpl scheduler(Path state) throws Exception {
        SchedulerImpl s = new SchedulerImpl(JournalFactoryComponent.withInterval(5), state, "slurm", 1000);
        SlurmBackend.Settings settings = new SlurmBackend.Settings();
        settings.pollIntervalMs = 200;
        if (workerJar != null) settings.workerJar = workerJar;
        CommandRunner recording = (argv, timeoutMs) -> {
            if (argv.get(0).equals("sbatch")) sbatches.add(List.copyOf(argv));
            return CommandRunner.PROCESSES.run(argv, timeoutMs);
        };
        SlurmBackend b = new SlurmBackend(settings, recording);
        s.addBackend(b, Map.of(ExecutionBackend.NAME, "slurm"));
        open.add(b::deactivate);
        open.add(s::close);
        return s;
    }

    @AfterEach
    void down() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    static TaskSpec element(int i, String script) {
        TaskSpec s = TaskSpec.command("point-" + i, "/bin/sh", "-c", script);
        s.environment.put("I", Integer.toString(i));
        return s;
    }

    static void waitFor(String what, long seconds, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    static String arrayJob(TaskRecordDTO r) {
        assertNotNull(r.backendJobId, r.id + " has no Slurm job");
        assertTrue(r.backendJobId.matches("[0-9]+_[0-9]+"), r.id + " is not an array element: " + r.backendJobId);
        return r.backendJobId.substring(0, r.backendJobId.indexOf('_'));
    }

    @Test
    void twoHundredElementsAsOneArrayWithThreeFailingAndRetried() throws Exception {
        SchedulerImpl s = scheduler(tmp.resolve("state"));
        Set<Integer> failing = Set.of(17, 101, 199);
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // the three failing elements fail once (their first attempt leaves a marker in their
            // task folder, the current directory) and succeed when retried
            TaskSpec t = element(i, failing.contains(i) ? "if [ -e failed-once ]; then exit 0; fi; touch failed-once; exit 3" : "exit 0");
            t.retries = 1;
            t.labels.put(Scheduler.ARRAY_THROTTLE_LABEL, "50");
            specs.add(t);
        }
        long t0 = System.nanoTime();
        List<TaskRecordDTO> recs = s.submitAll(specs);
        for (TaskRecordDTO r : recs) s.await(r.id).toCompletableFuture().get(240, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("200-element array on Slurm: %.1f s from submit to the last element done%n", seconds);

        Set<String> arrayJobs = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            TaskRecordDTO r = s.get(recs.get(i).id).orElseThrow();
            assertEquals(TaskState.COMPLETED, r.state, r.id + ": " + r.reason);
            assertEquals(i, r.arrayIndex);
            assertEquals(recs.get(0).arrayId, r.arrayId);
            assertEquals(failing.contains(i) ? 2 : 1, r.attempt, r.id);
            if (!failing.contains(i)) arrayJobs.add(arrayJob(r));
        }
        assertEquals(1, arrayJobs.size(), "first attempts ran as one Slurm array: " + arrayJobs);
        // one sbatch for the array; the three retries came back together (one small array) or alone
        assertTrue(sbatches.get(0).contains("--array=0-199%50"), String.valueOf(sbatches.get(0)));
        assertTrue(sbatches.size() >= 2 && sbatches.size() <= 4, sbatches.size() + " sbatch calls");
        ArrayDTO a = s.arrays().get(0);
        assertEquals(recs.get(0).arrayId, a.id);
        assertEquals(200, a.size);
        assertEquals(Map.of(TaskState.COMPLETED, 200), a.states);
        assertEquals(200, s.list(filterArray(a.id)).size());
    }

    static TaskFilter filterArray(String id) {
        TaskFilter f = new TaskFilter();
        f.arrayId = id;
        return f;
    }

    @Test
    void cancelOneElementThenTheWholeArray() throws Exception {
        SchedulerImpl s = scheduler(tmp.resolve("state"));
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 6; i++) specs.add(element(i, "sleep 300"));
        List<TaskRecordDTO> recs = s.submitAll(specs);
        String arrayId = recs.get(0).arrayId;
        assertNotNull(arrayId);
        waitFor("every element queued in Slurm", 60, () -> recs.stream().allMatch(r -> s.get(r.id).orElseThrow().backendJobId != null));
        String job = arrayJob(s.get(recs.get(0).id).orElseThrow());

        assertTrue(s.cancel(recs.get(2).id));
        TaskRecordDTO two = s.await(recs.get(2).id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(TaskState.CANCELLED, two.state);
        assertTrue(two.reason.contains("scancel " + job + "_2"), two.reason);
        for (int i : new int[] {0, 1, 3, 4, 5}) assertTrue(!s.get(recs.get(i).id).orElseThrow().state.isTerminal(), "element " + i + " still alive");

        assertEquals(5, s.cancelArray(arrayId));
        for (TaskRecordDTO r : recs) {
            assertEquals(TaskState.CANCELLED, s.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS).state, r.id);
        }
        CommandRunner.Result q = CommandRunner.PROCESSES.run(List.of("squeue", "-h", "-r", "-j", job), 15_000);
        assertEquals("", q.stdout.strip(), "nothing of array " + job + " left in Slurm's queue");
        assertEquals(0, s.cancelArray(arrayId));
        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> s.cancelArray("array-999999"));
        assertEquals("unknown array array-999999", e.getMessage());
    }

    @Test
    void aDependencyOnAnArrayIsOneSlurmDependencyOnTheArrayJob() throws Exception {
        SchedulerImpl s = scheduler(tmp.resolve("state"));
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) specs.add(element(i, "sleep 2"));
        List<TaskRecordDTO> recs = s.submitAll(specs);
        waitFor("every element queued in Slurm", 60, () -> recs.stream().allMatch(r -> s.get(r.id).orElseThrow().backendJobId != null));
        String job = arrayJob(s.get(recs.get(0).id).orElseThrow());

        TaskSpec after = TaskSpec.command("after", "/bin/true");
        after.dependencies.add(DependencyDTO.of(recs.get(0).arrayId, DependencyType.AFTER_OK));
        TaskRecordDTO dep = s.submit(after);
        assertEquals(4, dep.spec.dependencies.size(), "the array's elements");
        waitFor("the dependent in Slurm", 60, () -> s.get(dep.id).orElseThrow().backendJobId != null);
        List<String> sb = sbatches.get(sbatches.size() - 1);
        assertTrue(sb.contains("--dependency=afterok:" + job), "one dependency on the array job: " + sb);

        // and on one element: its own job id
        TaskSpec one = TaskSpec.command("after-one", "/bin/true");
        one.dependencies.add(DependencyDTO.of(recs.get(3).id, DependencyType.AFTER_OK));
        TaskRecordDTO d1 = s.submit(one);
        waitFor("the second dependent in Slurm", 60, () -> s.get(d1.id).orElseThrow().backendJobId != null);
        List<String> sb1 = sbatches.get(sbatches.size() - 1);
        if (!s.get(recs.get(3).id).orElseThrow().state.isTerminal()) {
            assertTrue(sb1.contains("--dependency=afterok:" + job + "_3"), String.valueOf(sb1));
        }
        assertEquals(TaskState.COMPLETED, s.await(dep.id).toCompletableFuture().get(120, TimeUnit.SECONDS).state);
        assertEquals(TaskState.COMPLETED, s.await(d1.id).toCompletableFuture().get(120, TimeUnit.SECONDS).state);
        for (TaskRecordDTO r : recs) {
            TaskRecordDTO done = s.get(r.id).orElseThrow();
            assertTrue(done.finishedAt <= s.get(dep.id).orElseThrow().startedAt, "the dependent started after " + r.id);
        }
    }

    @Test
    void aRestartedSchedulerReattachesToTheArrayElements() throws Exception {
        Path state = tmp.resolve("state");
        SchedulerImpl s = scheduler(state);
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 5; i++) specs.add(element(i, "sleep 3; exit $I"));
        List<TaskRecordDTO> recs = s.submitAll(specs);
        waitFor("every element queued in Slurm", 60, () -> recs.stream().allMatch(r -> s.get(r.id).orElseThrow().backendJobId != null));
        int before = sbatches.size();
        down(); // the container stops; the jobs go on in Slurm
        open.clear();

        SchedulerImpl again = scheduler(state);
        for (int i = 0; i < 5; i++) {
            TaskRecordDTO r = again.await(recs.get(i).id).toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertEquals(i == 0 ? TaskState.COMPLETED : TaskState.FAILED, r.state, r.id + ": " + r.reason);
            assertEquals(i, r.exitCode);
            assertEquals(i, r.arrayIndex);
        }
        assertEquals(before, sbatches.size(), "nothing submitted again");
    }

    /**
     * What a sweep (simulation Sweeps.startAll) or a campaign batch submits: function tasks of
     * one function whose arguments and labels differ, in one submitAll: one Slurm array of the
     * worker jar, each element's result its own.
     */
    @Test
    void functionTasksOfASweepAreOneArrayOfTheWorker() throws Exception {
        Path jar = Path.of(System.getenv().getOrDefault("KUMIKI_WORKER_JAR", "../../distributions/worker/target/worker.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            String why = "no worker jar at " + jar + " (build distributions/worker; scripts/test-all.sh does)";
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM"))) org.junit.jupiter.api.Assertions.fail(why);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, why);
        }
        workerJar = jar.toString();
        SchedulerImpl s = scheduler(tmp.resolve("state"));
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TaskSpec t = TaskSpec.function("point-" + i, "kumiki.noop", "{\"ms\":" + (10 + i) + "}");
            t.labels.put("simulation.sweep", "sweep-1");
            t.labels.put("simulation.point", Integer.toString(i));
            specs.add(t);
        }
        List<TaskRecordDTO> recs = s.submitAll(specs);
        Set<String> jobs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            TaskRecordDTO r = s.await(recs.get(i).id).toCompletableFuture().get(240, TimeUnit.SECONDS);
            assertEquals(TaskState.COMPLETED, r.state, r.id + ": " + r.reason);
            assertEquals("{\"ms\":" + (10 + i) + "}", r.result.replace(" ", ""));
            jobs.add(arrayJob(r));
        }
        assertEquals(1, jobs.size(), "one Slurm array job: " + jobs);
        assertEquals(1, sbatches.size());
        assertTrue(sbatches.get(0).contains("--array=0-2"), String.valueOf(sbatches.get(0)));
    }

    @Test
    void incompatibleSpecsInARequestedArrayAreRejectedInOneLine() throws Exception {
        SchedulerImpl s = scheduler(tmp.resolve("state"));
        TaskSpec a = element(0, "true");
        TaskSpec b = element(1, "true");
        b.resources.cpus = 2;
        a.labels.put(Scheduler.ARRAY_LABEL, "true");
        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> s.submitAll(List.of(a, b)));
        assertEquals("task #1 cannot be in one array with task #0: different resources", e.getMessage());
        // implicitly: separate jobs
        a.labels.clear();
        List<TaskRecordDTO> recs = s.submitAll(List.of(a, b));
        assertEquals(null, recs.get(0).arrayId);
        assertEquals(-1, recs.get(1).arrayIndex);
        for (TaskRecordDTO r : recs) assertEquals(TaskState.COMPLETED, s.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS).state);
        assertTrue(Files.isDirectory(tmp.resolve("state")));
    }
}
