package org.kumiki.scheduler.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;

class SchedulerCommandsTest {

    static final long T0 = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();

    /** A clock tests move by hand. */
    static final class TestClock extends Clock {
        final AtomicLong now = new AtomicLong(T0);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }

        void advance(long seconds) {
            now.addAndGet(seconds * 1000);
        }
    }

    final TestClock clock = new TestClock();
    final FakeScheduler scheduler = new FakeScheduler(clock::millis);
    final SchedulerCommands commands = new SchedulerCommands(scheduler, clock);
    final WaitCommand waitCommand = new WaitCommand(commands);

    String givenTask(String... args) {
        String out = commands.submit(args);
        return out.substring("Submitted ".length(), out.indexOf(' ', "Submitted ".length()));
    }

    static String oneLineError(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable e) {
        Throwable t = assertThrows(type, e);
        assertFalse(t.getMessage().contains("\n"), t.getMessage());
        return t.getMessage();
    }

    // ---- submit

    @Test
    void submitPrintsTheNewIdAndState() {
        assertEquals("Submitted task-1 (PENDING)\n", commands.submit("-n", "fit", "-c", "4", "-m", "4G", "python", "-c", "print(1)"));
        assertEquals(List.of("python", "-c", "print(1)"), scheduler.submitted.get(0).command);
        assertEquals(4, scheduler.submitted.get(0).resources.cpus);
        assertEquals("Submitted task-2 (BLOCKED): waiting for task-1\n", commands.submit("-d", "afterok:task-1", "true"));
    }

    @Test
    void submitPassesRejectionsThroughUnchanged() {
        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> commands.submit("-b", "nowhere", "true"));
        assertEquals("unknown backend 'nowhere'", e.getMessage());
        e = assertThrows(TaskRejectedException.class, () -> commands.submit("-g", "4", "true"));
        assertEquals("no backend can ever provide 4 GPUs", e.getMessage());
        e = assertThrows(TaskRejectedException.class, () -> commands.submit("-d", "afterok:task-99", "true"));
        assertEquals("unknown dependency task-99", e.getMessage());
        e = assertThrows(TaskRejectedException.class, () -> commands.submit("-f", "nosuchfn"));
        assertEquals("unknown function 'nosuchfn'", e.getMessage());
    }

    @Test
    void submitRejectsBadInputBeforeTheScheduler() {
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.submit("--mem", "12Q", "x")).contains("--mem '12Q'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.submit()).contains("no command"));
        assertTrue(scheduler.submitted.isEmpty());
    }

    @Test
    void submitFunctionTask() {
        givenTask("-f", "echo", "-a", "{\"a\":1}");
        assertEquals("echo", scheduler.submitted.get(0).function);
        assertEquals("{\"a\":1}", scheduler.submitted.get(0).arguments);
    }

    @Test
    void submitHelpListsTheOptions() {
        String help = commands.submit("--help");
        assertTrue(help.startsWith("sched:submit [OPTIONS] COMMAND"), help);
        assertTrue(help.contains("--dependency DEPS"), help);
        assertTrue(scheduler.submitted.isEmpty());
    }

    // ---- list

    @Test
    void listShowsATableNewestFirst() {
        String a = givenTask("-n", "first", "-l", "project=alpha", "sleep", "100");
        clock.advance(30);
        String b = givenTask("-n", "second", "true");
        scheduler.start(a, "local", "4242");
        clock.advance(90);
        scheduler.finish(a, TaskState.COMPLETED, 0);
        clock.advance(5);
        String out = commands.list("", "", "", "0", false);
        String[] lines = out.split("\n");
        assertEquals(3, lines.length, out);
        assertTrue(lines[0].matches("ID +NAME +STATE +BACKEND +JOBID +EXIT +ATTEMPT +SUBMITTED +RUNTIME"), lines[0]);
        assertTrue(lines[1].matches(b + " +second +PENDING +1m ago"), lines[1]);
        assertTrue(lines[2].matches(a + " +first +COMPLETED +local +4242 +0 +1 +2m ago +01:30"), lines[2]);
    }

    @Test
    void listShowsOldTasksWithIsoTimesAndRunningTasksWithTheirRuntimeSoFar() {
        String a = givenTask("sleep", "1000000");
        scheduler.start(a, "local", "1");
        clock.advance(2 * 86400 + 3661);
        String out = commands.list("", "", "", "0", false);
        assertTrue(out.contains("2026-01-02T03:04:05Z"), out);
        assertTrue(out.contains("2-01:01:01"), out);
    }

    @Test
    void listFilters() {
        String a = givenTask("-n", "a", "-l", "p=1,q=2", "true");
        String b = givenTask("-n", "b", "-l", "p=1", "true");
        givenTask("-n", "c", "true");
        scheduler.start(a, "local", "1");
        assertEquals(List.of(a), ids(commands.list("running", "", "", "0", false)));
        assertEquals(List.of(b, a), ids(commands.list("", "p=1", "", "0", false)));
        assertEquals(List.of(a), ids(commands.list("", "p=1", "", "0", false, "-l", "q=2")));
        assertEquals(List.of(a), ids(commands.list("", "p=1,q=2", "", "0", false)));
        assertEquals(List.of(a), ids(commands.list("", "", "local", "0", false)));
        assertEquals(List.of("task-3"), ids(commands.list("", "", "", "1", false)));
        assertEquals(List.of("task-3", b), ids(commands.list("PENDING", "", "", "0", false)));
        assertEquals(List.of("task-3", b, a), ids(commands.list("PENDING", "", "", "0", false, "-s", "RUNNING")));
        assertEquals("No tasks.\n", commands.list("CANCELLED", "", "", "0", false));
    }

    @Test
    void listRejectsBadInput() {
        String m = oneLineError(IllegalArgumentException.class, () -> commands.list("bogus", "", "", "0", false));
        assertTrue(m.contains("unknown state 'bogus'") && m.contains("PENDING, BLOCKED, RUNNING, COMPLETED, FAILED, CANCELLED, TIMED_OUT, LOST"), m);
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "nolabel", "", "0", false)).contains("--label 'nolabel'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "", "", "-1", false)).contains("--limit '-1'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "", "", "lots", false)).contains("--limit 'lots'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "", "a b", "0", false)).contains("--backend 'a b'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "", "", "0", false, "extra")).contains("unexpected argument 'extra'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.list("", "", "", "0", false, "-s")).contains("needs a value"));
    }

    // ---- show

    @Test
    void showPrintsEveryField() {
        givenTask("-n", "dep", "true");
        String id = givenTask("-n", "fit", "-c", "4", "-g", "0", "-m", "1536M", "-t", "1-00:00:00", "-d", "afterok:task-1", "-p", "5", "-r", "2",
                "-b", "local", "--partition", "short", "-l", "project=alpha", "-e", "OMP=4", "-w", "/w", "-o", "/o.log", "--error", "/e.log",
                "python", "fit.py", "--name", "a b");
        scheduler.start(id, "local", "777");
        clock.advance(10);
        scheduler.finish(id, TaskState.FAILED, 3);
        scheduler.records.get(id).reason = "exit code 3";
        String out = commands.show(id);
        for (String expected : new String[] {"id  ", id, "name", "fit", "state", "FAILED", "reason", "exit code 3", "backend", "local", "job id", "777",
                "exit code", "attempt", "1 of 3", "submitted", "2026-01-02T03:04:05Z", "started", "finished", "2026-01-02T03:04:15Z", "runtime",
                "00:10", "command", "python fit.py --name 'a b'", "environment", "OMP=4", "workdir", "/w", "stdout", "/o.log", "stderr", "/e.log",
                "cpus", "gpus", "memory", "1.5 GiB (1610612736 bytes)", "walltime", "1-00:00:00", "dependencies", "afterok:task-1", "priority",
                "retries", "labels", "project=alpha", "partition", "short", "result"}) {
            assertTrue(out.contains(expected), expected + " in\n" + out);
        }
    }

    @Test
    void showFunctionTaskWithAMultiLineResult() {
        String id = givenTask("-f", "echo", "-a", "[1,2]");
        scheduler.finish(id, TaskState.COMPLETED, 0);
        scheduler.records.get(id).result = "{\n  \"ok\": true\n}";
        String out = commands.show(id);
        assertTrue(out.contains("function") && out.contains("echo") && out.contains("[1,2]"), out);
        assertTrue(out.contains("memory             unspecified"), out);
        assertTrue(out.contains("walltime           unlimited"), out);
        assertTrue(out.endsWith("result:\n{\n  \"ok\": true\n}\n"), out);
    }

    @Test
    void showKeepsHostileValuesOnOneLine() {
        String id = givenTask("echo", "line1\nline2");
        scheduler.records.get(id).reason = "bad\r\nthing\u001b[31m";
        String out = commands.show(id);
        assertTrue(out.contains("'line1\\nline2'"), out);
        assertTrue(out.contains("bad\\r\\nthing\\u001b[31m"), out);
    }

    @Test
    void showRejectsUnknownAndMissingIds() {
        assertEquals("unknown task id 'task-9'", oneLineError(IllegalArgumentException.class, () -> commands.show("task-9")));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.show()).contains("at least one task id"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.show("")).contains("task id ''"));
    }

    // ---- cancel

    @Test
    void cancelReportsPerId() {
        String a = givenTask("sleep", "100");
        String b = givenTask("true");
        scheduler.finish(b, TaskState.COMPLETED, 0);
        String out = commands.cancel(a, b, a);
        assertTrue(out.matches("(?s)ID +RESULT\n" + a + " +cancelled\n" + b + " +already ended \\(COMPLETED\\)\n"), out);
        assertEquals(TaskState.CANCELLED, scheduler.records.get(a).state);
    }

    @Test
    void cancelWithAnUnknownIdCancelsNothing() {
        String a = givenTask("sleep", "100");
        assertEquals("unknown task id 'task-404'", oneLineError(IllegalArgumentException.class, () -> commands.cancel(a, "task-404")));
        assertEquals(TaskState.PENDING, scheduler.records.get(a).state);
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.cancel()).contains("at least one task id"));
    }

    // ---- wait

    @Test
    void waitPrintsTheFinalTable() throws Exception {
        String a = givenTask("-n", "a", "true");
        String b = givenTask("-n", "b", "false");
        scheduler.finish(a, TaskState.COMPLETED, 0);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> commands.waitFor("10", a, b));
        Thread.sleep(100);
        assertFalse(out.isDone());
        scheduler.start(b, "local", "9");
        scheduler.finish(b, TaskState.FAILED, 1);
        String table = out.get(5, TimeUnit.SECONDS);
        assertTrue(table.contains(a) && table.contains("COMPLETED") && table.contains(b) && table.contains("FAILED"), table);
        assertTrue(table.indexOf(a) < table.indexOf(b), "in the order given");
    }

    @Test
    void waitTimesOutNamingTheTasksStillRunning() {
        String a = givenTask("true");
        String b = givenTask("sleep", "100");
        String c = givenTask("sleep", "100");
        scheduler.finish(a, TaskState.COMPLETED, 0);
        scheduler.start(b, "local", "1");
        String m = oneLineError(IllegalStateException.class, () -> commands.waitFor("1", a, b, c));
        assertTrue(m.contains("timed out") && m.contains(b + " (RUNNING)") && m.contains(c + " (PENDING)") && !m.contains(a + " "), m);
    }

    @Test
    void waitRejectsBadInput() {
        String a = givenTask("true");
        assertThrows(TaskRejectedException.class, () -> commands.waitFor("", a, "task-404"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.waitFor("", new String[0])).contains("at least one task id"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.waitFor("-5", a)).contains("--timeout '-5'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.waitFor("soon", a)).contains("--timeout 'soon'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> commands.waitFor("99999999999999999999", a)).contains("too large"));
    }

    @Test
    void waitCanBeInterrupted() throws Exception {
        String a = givenTask("sleep", "100");
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                commands.waitFor("", a);
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        t.start();
        Thread.sleep(100);
        t.interrupt();
        Throwable e = failure.get(5, TimeUnit.SECONDS);
        assertTrue(e instanceof IllegalStateException && e.getMessage().contains("interrupted") && e.getMessage().contains(a), String.valueOf(e));
    }

    @Test
    void waitReportsAFailedAwait() {
        String a = givenTask("true");
        scheduler.awaiting.put(a, CompletableFuture.failedFuture(new IllegalStateException("backend vanished")));
        assertEquals("waiting failed: backend vanished", oneLineError(IllegalStateException.class, () -> commands.waitFor("", a)));
    }

    @Test
    void waitCommandParsesItsOwnArguments() {
        String a = givenTask("true");
        scheduler.finish(a, TaskState.COMPLETED, 0);
        assertTrue(String.valueOf(waitCommand.execute(null, List.of("-t", "5", a))).contains("COMPLETED"));
        assertTrue(String.valueOf(waitCommand.execute(null, List.of("--timeout=5", a))).contains("COMPLETED"));
        assertTrue(String.valueOf(waitCommand.execute(null, List.of(a, "-t", "5s"))).contains("COMPLETED"));
        assertTrue(String.valueOf(waitCommand.wait("5", a)).contains("COMPLETED"));
        assertTrue(String.valueOf(waitCommand.execute(null, List.of("--help"))).startsWith("sched:wait [-t TIMEOUT]"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> waitCommand.execute(null, List.of())).contains("at least one task id"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> waitCommand.execute(null, List.of(a, "-t"))).contains("needs a value"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> waitCommand.execute(null, List.of("-x", a))).contains("unknown option '-x'"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> waitCommand.execute(null, List.of("-t", "1", "-t", "2", a))).contains("more than once"));
        assertTrue(oneLineError(IllegalArgumentException.class, () -> waitCommand.execute(null, List.of("--timeout=", a))).contains("--timeout ''"));
        assertThrows(TaskRejectedException.class, () -> waitCommand.execute(null, List.of("--", "-t")));
    }

    // ---- backends

    @Test
    void backendsShowUsageAndUnboundedCapacity() {
        BackendDTO slurm = new BackendDTO();
        slurm.name = "slurm";
        slurm.description = "cluster";
        slurm.cpus = -1;
        slurm.gpus = 4;
        slurm.memoryBytes = -1;
        slurm.cpusInUse = 64;
        slurm.gpusInUse = 2;
        slurm.memoryInUse = 1L << 40;
        slurm.running = 3;
        slurm.pending = 12;
        scheduler.backends.add(slurm);
        scheduler.backends.get(0).cpusInUse = 2;
        scheduler.backends.get(0).memoryInUse = 1L << 30;
        scheduler.backends.get(0).running = 1;
        String[] lines = commands.backends().split("\n");
        assertTrue(lines[0].matches("NAME +DEFAULT +CPUS +GPUS +MEMORY +RUNNING +PENDING +DESCRIPTION"), lines[0]);
        assertTrue(lines[1].matches("local +yes +2/8 +0/0 +1\\.0 GiB/16\\.0 GiB +1 +0 +processes on this node"), lines[1]);
        assertTrue(lines[2].matches("slurm +64/unbounded +2/4 +1\\.0 TiB/unbounded +3 +12 +cluster"), lines[2]);
    }

    @Test
    void noBackends() {
        scheduler.backends.clear();
        assertEquals("No backends.\n", commands.backends());
    }

    // ---- annotations

    @Test
    void everyCommandAndParameterIsDescribed() {
        List<String> functions = List.of("submit", "list", "show", "cancel", "backends");
        for (Method m : SchedulerCommands.class.getMethods()) {
            if (!functions.contains(m.getName())) continue;
            assertDescribed(m);
        }
        for (Method m : WaitCommand.class.getMethods()) {
            if (m.getName().equals("wait") && m.getDeclaringClass() == WaitCommand.class) assertDescribed(m);
        }
        for (String f : functions) {
            assertTrue(List.of(SchedulerCommands.class.getMethods()).stream().anyMatch(m -> m.getName().equals(f)), f);
        }
    }

    private static void assertDescribed(Method m) {
        assertTrue(m.isAnnotationPresent(Descriptor.class), m.toString());
        for (java.lang.reflect.Parameter p : m.getParameters()) {
            assertTrue(p.isAnnotationPresent(Descriptor.class), m + " " + p);
        }
    }

    @Test
    void formatHelpers() {
        assertEquals("00:00", Format.duration(-5));
        assertEquals("59:59", Format.duration(3599));
        assertEquals("1:00:00", Format.duration(3600));
        assertEquals("106751991167300-15:30:07", Format.duration(Long.MAX_VALUE));
        assertEquals("unbounded", Format.bytes(-1));
        assertEquals("8.0 EiB", Format.bytes(Long.MAX_VALUE));
        assertEquals("''", Format.shellQuote(""));
        assertEquals("'it'\\''s'", Format.shellQuote("it's"));
        assertEquals("", Format.when(0, T0));
        assertEquals("2026-01-02T03:04:05Z", Format.when(T0, T0 - 1000), "future times are absolute");
        assertEquals("0s ago", Format.when(T0, T0));
        TaskRecordDTO r = new TaskRecordDTO();
        assertEquals("", Format.runtime(r, T0));
    }

    static List<String> ids(String table) {
        return table.lines().skip(1).map(l -> l.split(" +")[0]).toList();
    }

    @Test
    void theSchedulersExceptionIsTheOneThrown() {
        TaskRejectedException boom = new TaskRejectedException("site is closed");
        SchedulerCommands rejecting = new SchedulerCommands(new Rejecter(boom), clock);
        assertSame(boom, assertThrows(TaskRejectedException.class, () -> rejecting.submit("true")));
        assertSame(boom, assertThrows(TaskRejectedException.class, () -> new WaitCommand(rejecting).execute(null, List.of("task-1"))));
        assertEquals("No tasks.\n", rejecting.list("", "", "", "0", false));
    }

    /** Rejects every submission with one exception. */
    static final class Rejecter implements org.kumiki.scheduler.api.Scheduler {
        private final TaskRejectedException e;

        Rejecter(TaskRejectedException e) {
            this.e = e;
        }

        @Override
        public TaskRecordDTO submit(org.kumiki.scheduler.api.dto.TaskSpec spec) {
            throw e;
        }

        @Override
        public List<TaskRecordDTO> submitAll(List<org.kumiki.scheduler.api.dto.TaskSpec> specs) {
            throw e;
        }

        @Override
        public java.util.Optional<TaskRecordDTO> get(String id) {
            return java.util.Optional.empty();
        }

        @Override
        public List<TaskRecordDTO> list(org.kumiki.scheduler.api.dto.TaskFilter filter) {
            return List.of();
        }

        @Override
        public boolean cancel(String id) {
            throw e;
        }

        @Override
        public java.util.concurrent.CompletionStage<TaskRecordDTO> await(String id) {
            throw e;
        }

        @Override
        public List<BackendDTO> backends() {
            return List.of();
        }
    }
}
