package org.kumiki.scheduler.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** Processes never outlive their task: setsid'd descendants, walltime, cancel, kill -9 of the container. */
class ProcessSurvivorTest {
    @TempDir
    Path dir;

    final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        // whatever a failing test left behind
        ProcessTable.marked(v -> v.startsWith(dir.toAbsolutePath().normalize().toString())).keySet().forEach(ProcessHandle::destroyForcibly);
        started.forEach(ProcessHandle::destroyForcibly);
    }

    static boolean hasSetsid() {
        return ProcessTable.available() && (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")));
    }

    Map<ProcessHandle, String> leftOf(String taskId) {
        String prefix = ProcessTable.taskPrefix(dir.resolve("state").resolve("tasks").resolve(taskId));
        Map<ProcessHandle, String> m = ProcessTable.marked(v -> v.startsWith(prefix));
        m.keySet().removeIf(h -> !ProcessTable.alive(h));
        return m;
    }

    static void await(String what, BooleanSupplier cond, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    static TaskSpec leavesASetsidChild(String name) {
        // the subshell forks setsid and exits: the setsid'd sleep is no descendant of the task
        // any more (re-parented to init), in a session of its own
        return TaskSpec.command(name, "sh", "-c", "(setsid sleep 300 &); sleep 300 & wait");
    }

    @Test
    void walltimeKillsDescendantsThatLeftTheSessionWithSetsid() throws Exception {
        assumeTrue(hasSetsid(), "needs /proc and setsid");
        try (Harness h = new Harness(dir.resolve("state"), 2, 0, 4096)) {
            TaskSpec s = leavesASetsidChild("walltime");
            s.resources.walltimeSeconds = 1;
            TaskRecordDTO r = h.scheduler.submit(s);
            await("both sleeps started", () -> leftOf(r.id).size() >= 3, 30);
            TaskRecordDTO done = h.scheduler.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(TaskState.TIMED_OUT, done.state);
            // SIGTERM ends sleep at once; the grace period (0.5 s) bounds the rest
            await("no process of the task left", () -> leftOf(r.id).isEmpty(), 30);
        }
    }

    @Test
    void cancelKillsDescendantsThatLeftTheSessionWithSetsid() throws Exception {
        assumeTrue(hasSetsid(), "needs /proc and setsid");
        try (Harness h = new Harness(dir.resolve("state"), 2, 0, 4096)) {
            TaskRecordDTO r = h.scheduler.submit(leavesASetsidChild("cancelled"));
            await("both sleeps started", () -> leftOf(r.id).size() >= 3, 30);
            assertTrue(h.scheduler.cancel(r.id));
            assertEquals(TaskState.CANCELLED, h.scheduler.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS).state);
            await("no process of the task left", () -> leftOf(r.id).isEmpty(), 30);
        }
    }

    @Test
    void theJobIdIsPidAndStartTimeSoAReusedPidIsNotTheTask() throws Exception {
        assumeTrue(ProcessTable.available(), "needs /proc");
        try (Harness h = new Harness(dir.resolve("state"), 2, 0, 4096)) {
            TaskRecordDTO r = h.scheduler.submit(TaskSpec.command("short", "true"));
            TaskRecordDTO done = h.scheduler.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertTrue(done.backendJobId.matches("\\d+:\\d+"), done.backendJobId);
            assertEquals(LocalBackend.jobId(ProcessHandle.current().pid()),
                    ProcessHandle.current().pid() + ":" + ProcessTable.startTime(ProcessHandle.current().pid()).orElseThrow());
        }
    }

    @Test
    void afterAKillOfTheContainerTheSurvivorsAreGoneBeforeTheRetryRuns() throws Exception {
        assumeTrue(hasSetsid(), "needs /proc and setsid");
        Path state = dir.resolve("state");
        Path pidFile = dir.resolve("pids");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SurvivorChild.class.getName(),
                state.toString(), pidFile.toString()).redirectErrorStream(true).start();
        started.add(child.toHandle());
        String ready = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                seen.append(line).append('\n');
                if (line.startsWith("READY")) {
                    ready = line;
                    break;
                }
            }
            assertTrue(ready != null, "child did not get ready:\n" + seen);
            child.destroyForcibly(); // kill -9 of the container
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        String taskId = ready.split(" ")[1];
        List<ProcessHandle> survivors = new ArrayList<>();
        for (String pid : Files.readAllLines(pidFile)) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(survivors::add);
        }
        started.addAll(survivors);
        // the fault: all three (the shell, its plain child, its setsid'd child) outlived the container
        assertEquals(3, survivors.size(), "survivors: " + survivors);
        for (ProcessHandle p : survivors) assertTrue(ProcessTable.alive(p), "survivor " + p.pid());

        try (Harness h = new Harness(state, 2, 0, 4096, false)) {
            await("the retry runs", () -> {
                TaskRecordDTO t = h.scheduler.get(taskId).orElseThrow();
                return t.state == TaskState.RUNNING && t.attempt == 2;
            }, 60);
            // the survivors were killed before the retry was started
            for (ProcessHandle p : survivors) assertFalse(ProcessTable.alive(p), "survivor " + p.pid() + " still runs beside the retry");
            // and only the retry's processes carry the task's marker now
            await("the retry's processes", () -> leftOf(taskId).size() >= 3, 30);
            for (String marker : leftOf(taskId).values()) assertTrue(marker.endsWith("#2"), marker);
            h.scheduler.cancel(taskId);
            assertEquals(TaskState.CANCELLED, h.scheduler.await(taskId).toCompletableFuture().get(60, TimeUnit.SECONDS).state);
            await("no process of the task left", () -> leftOf(taskId).isEmpty(), 30);
        }
    }
}
