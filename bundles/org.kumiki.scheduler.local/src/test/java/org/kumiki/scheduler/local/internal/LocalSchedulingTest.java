package org.kumiki.scheduler.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** The scheduler core with the real local backend: real processes, real journal. */
class LocalSchedulingTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir.resolve("state"), 2, 2, 4096);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    TaskRecordDTO run(TaskSpec s) throws Exception {
        TaskRecordDTO r = h.scheduler.submit(s);
        return h.scheduler.await(r.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static TaskSpec sh(String name, String script) {
        return TaskSpec.command(name, "sh", "-c", script);
    }

    @Test
    void commandsRunWithExitCodesAndCapturedOutput() throws Exception {
        TaskRecordDTO ok = run(sh("hello", "echo hello; echo oops >&2"));
        assertEquals(TaskState.COMPLETED, ok.state);
        assertEquals(0, ok.exitCode);
        assertEquals(1, ok.attempt);
        assertEquals("local", ok.backend);
        assertNotNull(ok.backendJobId, "pid");
        assertTrue(ok.startedAt >= ok.submittedAt && ok.finishedAt >= ok.startedAt);
        Path taskDir = dir.resolve("state/tasks").resolve(ok.id);
        assertEquals("hello\n", Files.readString(taskDir.resolve("stdout.log")));
        assertEquals("oops\n", Files.readString(taskDir.resolve("stderr.log")));

        TaskRecordDTO bad = run(sh("three", "exit 3"));
        assertEquals(TaskState.FAILED, bad.state);
        assertEquals(3, bad.exitCode);
        assertTrue(bad.reason.contains("exit code 3"), bad.reason);

        TaskRecordDTO missing = run(TaskSpec.command("nope", "/nonexistent/binary"));
        assertEquals(TaskState.FAILED, missing.state);
        assertTrue(missing.reason.contains("cannot start /nonexistent/binary"), missing.reason);
    }

    @Test
    void environmentWorkingDirectoryAndGpuVisibility() throws Exception {
        Path out = dir.resolve("env.txt");
        TaskSpec s = sh("env", "echo \"$GREETING|$CUDA_VISIBLE_DEVICES|$(pwd)\" > " + out);
        s.environment.put("GREETING", "hi there; $(rm -rf /)");
        s.workingDirectory = dir.toString();
        s.resources.gpus = 2;
        assertEquals(TaskState.COMPLETED, run(s).state);
        assertEquals("hi there; $(rm -rf /)|0,1|" + dir + "\n", Files.readString(out));

        TaskSpec cpu = sh("cpu", "echo \"[$CUDA_VISIBLE_DEVICES]\" > " + out);
        assertEquals(TaskState.COMPLETED, run(cpu).state);
        assertEquals("[]\n", Files.readString(out), "CPU tasks see no GPU");
    }

    @Test
    void functionsRunInProcessWithResultsAndErrors() throws Exception {
        TaskRecordDTO r = run(TaskSpec.function("e", "echo", "{\"x\": [1, 2]}"));
        assertEquals(TaskState.COMPLETED, r.state);
        assertEquals("{\"x\": [1, 2]}", r.result);
        TaskRecordDTO boom = run(TaskSpec.function("b", "boom", "42"));
        assertEquals(TaskState.FAILED, boom.state);
        assertTrue(boom.reason.contains("boom: 42"), boom.reason);
    }

    @Test
    void badSpecsAreRejectedAtSubmitWithOneLineReasons() {
        List<TaskSpec> bad = new ArrayList<>();
        List<String> why = new ArrayList<>();
        TaskSpec s;
        bad.add(new TaskSpec()); why.add("no command and no function");
        s = TaskSpec.command("x", "true"); s.function = "echo"; bad.add(s); why.add("not both");
        bad.add(TaskSpec.function("f", "nosuch", null)); why.add("unknown function 'nosuch'");
        bad.add(TaskSpec.function("f", "echo", "{not json")); why.add("not valid JSON");
        s = TaskSpec.command("x", "true"); s.resources.gpus = 3; bad.add(s); why.add("needs 3 GPUs but backend 'local' has 2");
        s = TaskSpec.command("x", "true"); s.resources.cpus = 64; bad.add(s); why.add("needs 64 cpus");
        s = TaskSpec.command("x", "true"); s.resources.memoryBytes = 1L << 40; bad.add(s); why.add("MiB of memory but backend 'local' has 4096 MiB");
        s = TaskSpec.command("x", "true"); s.resources.walltimeSeconds = -5; bad.add(s); why.add("walltime must not be negative");
        s = TaskSpec.command("x", "true"); s.resources.cpus = 0; bad.add(s); why.add("cpus must be at least 1");
        s = TaskSpec.command("x", "true"); s.resources.gpus = -1; bad.add(s); why.add("gpus must not be negative");
        s = TaskSpec.command("x", "true"); s.retries = -1; bad.add(s); why.add("retries must be between 0 and 100");
        s = TaskSpec.command("x", "true"); s.backend = "cloud"; bad.add(s); why.add("unknown backend 'cloud' (available: local)");
        s = TaskSpec.command("x", "true"); s.dependencies.add(DependencyDTO.of("task-999999", DependencyType.AFTER_OK)); bad.add(s); why.add("unknown dependency task-999999");
        s = TaskSpec.command("x", "true\0rm"); bad.add(s); why.add("NUL");
        s = TaskSpec.command("x", "true"); s.environment.put("A=B", "c"); bad.add(s); why.add("invalid environment variable name");
        s = TaskSpec.command("x", "true"); s.workingDirectory = "/nonexistent/dir"; bad.add(s); why.add("does not exist");
        for (int i = 0; i < bad.size(); i++) {
            TaskSpec spec = bad.get(i);
            TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> h.scheduler.submit(spec), why.get(i));
            assertTrue(e.getMessage().contains(why.get(i)), "expected '" + why.get(i) + "' in: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        assertEquals(0, h.scheduler.list(TaskFilter.all()).size(), "nothing was recorded");
    }

    @Test
    void cyclesAndForwardReferencesInABatchAreRejectedAtomically() {
        TaskSpec a = TaskSpec.command("a", "true");
        TaskSpec b = TaskSpec.command("b", "true");
        a.dependencies.add(DependencyDTO.of("#1", DependencyType.AFTER_OK));
        b.dependencies.add(DependencyDTO.of("#0", DependencyType.AFTER_OK));
        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> h.scheduler.submitAll(List.of(a, b)));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        TaskSpec self = TaskSpec.command("s", "true");
        self.dependencies.add(DependencyDTO.of("#0", DependencyType.AFTER_ANY));
        assertTrue(assertThrows(TaskRejectedException.class, () -> h.scheduler.submitAll(List.of(self))).getMessage().contains("depends on itself"));
        TaskSpec ok = TaskSpec.command("ok", "true");
        TaskSpec badOne = TaskSpec.command("bad", "true");
        badOne.resources.gpus = 99;
        assertThrows(TaskRejectedException.class, () -> h.scheduler.submitAll(List.of(ok, badOne)));
        assertEquals(0, h.scheduler.list(TaskFilter.all()).size(), "all or nothing");
    }

    @Test
    void dependenciesFollowSlurmSemantics() throws Exception {
        TaskSpec fail = sh("fail", "sleep 0.2; exit 1");
        TaskSpec afterOk = TaskSpec.command("after-ok", "true");
        afterOk.dependencies.add(DependencyDTO.of("#0", DependencyType.AFTER_OK));
        TaskSpec afterNotOk = TaskSpec.command("after-not-ok", "true");
        afterNotOk.dependencies.add(DependencyDTO.of("#0", DependencyType.AFTER_NOT_OK));
        TaskSpec afterAny = TaskSpec.command("after-any", "true");
        afterAny.dependencies.add(DependencyDTO.of("#0", DependencyType.AFTER_ANY));
        TaskSpec chained = TaskSpec.command("after-cancelled", "true");
        chained.dependencies.add(DependencyDTO.of("#1", DependencyType.AFTER_OK));
        List<TaskRecordDTO> rs = h.scheduler.submitAll(List.of(fail, afterOk, afterNotOk, afterAny, chained));
        assertEquals(TaskState.BLOCKED, h.scheduler.get(rs.get(1).id).get().state);
        TaskRecordDTO[] end = new TaskRecordDTO[5];
        for (int i = 0; i < 5; i++) end[i] = h.scheduler.await(rs.get(i).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.FAILED, end[0].state);
        assertEquals(TaskState.CANCELLED, end[1].state);
        assertTrue(end[1].reason.contains("dependency " + rs.get(0).id + " ended FAILED"), end[1].reason);
        assertEquals(TaskState.COMPLETED, end[2].state);
        assertEquals(TaskState.COMPLETED, end[3].state);
        assertEquals(TaskState.CANCELLED, end[4].state, "cancellation cascades");
        assertTrue(end[2].startedAt >= end[0].finishedAt, "ran after its dependency");
    }

    @Test
    void walltimeKillsAndRetriesFollowThePolicy() throws Exception {
        TaskSpec slow = TaskSpec.command("slow", "sleep", "30");
        slow.resources.walltimeSeconds = 1;
        long t0 = System.nanoTime();
        TaskRecordDTO r = run(slow);
        assertEquals(TaskState.TIMED_OUT, r.state);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        assertTrue(r.reason.contains("walltime of 1 s"), r.reason);

        TaskSpec flaky = sh("flaky", "exit 1");
        flaky.retries = 2;
        TaskRecordDTO f = run(flaky);
        assertEquals(TaskState.FAILED, f.state);
        assertEquals(3, f.attempt);

        Path marker = dir.resolve("marker");
        TaskSpec second = sh("second-time-lucky", "if [ -e " + marker + " ]; then exit 0; else touch " + marker + "; exit 1; fi");
        second.retries = 1;
        TaskRecordDTO s = run(second);
        assertEquals(TaskState.COMPLETED, s.state);
        assertEquals(2, s.attempt);
    }

    @Test
    void cancelKillsTheWholeProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        TaskSpec tree = sh("tree", "sleep 100 & echo $! > " + pids + "; sleep 100; wait");
        TaskRecordDTO r = h.scheduler.submit(tree);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!Files.exists(pids) || Files.readString(pids).isBlank()) && System.nanoTime() < deadline) Thread.sleep(20);
        long child = Long.parseLong(Files.readString(pids).trim());
        assertTrue(ProcessHandle.of(child).isPresent());
        assertTrue(h.scheduler.cancel(r.id));
        TaskRecordDTO end = h.scheduler.await(r.id).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(TaskState.CANCELLED, end.state);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "grandchild sleep killed");
        assertFalse(h.scheduler.cancel(r.id), "already ended");
        assertThrows(TaskRejectedException.class, () -> h.scheduler.cancel("task-424242"));

        TaskSpec spin = TaskSpec.function("spin", "spin", null);
        TaskRecordDTO fr = h.scheduler.submit(spin);
        Thread.sleep(100);
        h.scheduler.cancel(fr.id);
        assertEquals(TaskState.CANCELLED, h.scheduler.await(fr.id).toCompletableFuture().get(10, TimeUnit.SECONDS).state);
    }

    @Test
    void packsByDeclaredResourcesHighestPriorityFirstWithBackfill() throws Exception {
        // 2 cpus. A 2-cpu task holds the node; then a queue: big (2 cpus, unlimited), small
        // tasks with walltimes that end before the big one could start get backfilled? No: the
        // holder has no walltime, so the big head's start time is unknown and nothing may jump it.
        TaskSpec holder = TaskSpec.command("holder", "sleep", "1");
        holder.resources.cpus = 2;
        holder.resources.walltimeSeconds = 5;
        TaskRecordDTO hr = h.scheduler.submit(holder);
        Thread.sleep(200);
        TaskSpec low = TaskSpec.command("low", "sleep", "0.1");
        low.priority = 1;
        low.resources.cpus = 2;
        TaskSpec high = TaskSpec.command("high", "sleep", "0.1");
        high.priority = 10;
        high.resources.cpus = 2; // one at a time: the order is observable
        List<TaskRecordDTO> rs = h.scheduler.submitAll(List.of(low, high));
        TaskRecordDTO l = h.scheduler.await(rs.get(0).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        TaskRecordDTO hi = h.scheduler.await(rs.get(1).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        TaskRecordDTO ho = h.scheduler.await(hr.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(hi.startedAt >= ho.finishedAt - 50, "waited for the cpus");
        assertTrue(hi.finishedAt <= l.startedAt + 50, "higher priority first, although submitted second");

        // backfill: head needs 2 cpus while a 1-cpu task with a walltime runs; a short 1-cpu
        // task that ends before the head could start is backfilled, an unlimited one is not
        TaskSpec running = TaskSpec.command("running", "sleep", "2");
        running.resources.walltimeSeconds = 3;
        TaskRecordDTO run1 = h.scheduler.submit(running);
        Thread.sleep(200);
        TaskSpec head = TaskSpec.command("head", "true");
        head.resources.cpus = 2;
        head.priority = 5;
        TaskSpec shortOne = TaskSpec.command("short", "sleep", "0.2");
        shortOne.resources.walltimeSeconds = 1;
        TaskSpec unlimited = TaskSpec.command("unlimited", "true");
        List<TaskRecordDTO> q = h.scheduler.submitAll(List.of(head, shortOne, unlimited));
        TaskRecordDTO hd = h.scheduler.await(q.get(0).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        TaskRecordDTO sh = h.scheduler.await(q.get(1).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        TaskRecordDTO un = h.scheduler.await(q.get(2).id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        h.scheduler.await(run1.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(sh.startedAt < hd.startedAt, "short task backfilled before the head");
        assertTrue(un.startedAt >= hd.startedAt, "unlimited task did not jump the head");
    }

    @Test
    void listFiltersAndEventsShape() throws Exception {
        TaskSpec a = TaskSpec.command("alpha-1", "true");
        a.labels.put("campaign", "c1");
        TaskSpec b = TaskSpec.command("beta-1", "false");
        run(a);
        run(b);
        TaskFilter f = new TaskFilter();
        f.labels.put("campaign", "c1");
        assertEquals(List.of("alpha-1"), h.scheduler.list(f).stream().map(r -> r.spec.name).toList());
        TaskFilter failed = new TaskFilter();
        failed.states = EnumSet.of(TaskState.FAILED);
        assertEquals(1, h.scheduler.list(failed).size());
        TaskFilter prefix = new TaskFilter();
        prefix.namePrefix = "beta";
        prefix.limit = 1;
        assertEquals("beta-1", h.scheduler.list(prefix).get(0).spec.name);
        assertEquals(2, h.scheduler.list(null).size());
        assertTrue(h.scheduler.get("task-nope").isEmpty());
        assertNull(h.scheduler.get(null).orElse(null));
        assertEquals(1, h.scheduler.backends().size());
        assertEquals(2, h.scheduler.backends().get(0).cpus);
    }
}
