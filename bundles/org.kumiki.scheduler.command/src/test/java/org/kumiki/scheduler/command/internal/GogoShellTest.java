package org.kumiki.scheduler.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.shelltest.GogoShell;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;

/** The commands as the Gogo shell calls them: real Gogo argument parsing and method selection. */
class GogoShellTest {

    final SchedulerCommandsTest.TestClock clock = new SchedulerCommandsTest.TestClock();
    final FakeScheduler scheduler = new FakeScheduler(clock::millis);
    GogoShell shell;

    @BeforeEach
    void givenAShell() {
        SchedulerCommands commands = new SchedulerCommands(scheduler, clock);
        shell = new GogoShell().add("sched", commands, "submit", "list", "show", "cancel", "backends");
        shell.add("sched", new WaitCommand(commands), "wait");
    }

    @AfterEach
    void stop() {
        shell.close();
    }

    String run(String line) throws Exception {
        return shell.run(line);
    }

    String fails(String line) {
        Exception e = shell.failure(line);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, e.toString());
        return e.getMessage();
    }

    @Test
    void submitKeepsTheFlagsOfTheSubmittedCommand() throws Exception {
        assertEquals("Submitted task-1 (PENDING)\n", run("sched:submit -n py -c 2 --mem=1G python -c 'print(1)' -n 3"));
        assertEquals(List.of("python", "-c", "print(1)", "-n", "3"), scheduler.submitted.get(0).command);
        assertEquals("py", scheduler.submitted.get(0).name);
        assertEquals(2, scheduler.submitted.get(0).resources.cpus);
        assertEquals(1L << 30, scheduler.submitted.get(0).resources.memoryBytes);
    }

    @Test
    void submitWithRepeatedLabelsAndAFunction() throws Exception {
        run("sched:submit -l a=1 -l b=2 -f echo -a '{\"x\":1}'");
        assertEquals(Map.of("a", "1", "b", "2"), scheduler.submitted.get(0).labels);
        assertEquals("{\"x\":1}", scheduler.submitted.get(0).arguments);
    }

    @Test
    void submitErrorsAreOneLine() {
        assertTrue(fails("sched:submit --mem 12Q x").contains("--mem '12Q'"));
        assertTrue(fails("sched:submit --time 1:2:3:4 x").contains("--time '1:2:3:4'"));
        assertTrue(fails("sched:submit -c -3 x").contains("--cpus '-3'"));
        assertTrue(fails("sched:submit").contains("no command"));
        assertEquals("unknown backend 'mars'", fails("sched:submit -b mars x"));
    }

    @Test
    void listWithGogoOptions() throws Exception {
        run("sched:submit -n a -l p=1 true");
        run("sched:submit -n b -l p=1 -l q=2 true");
        assertEquals(3, run("sched:list").lines().count());
        assertEquals(2, run("sched:list -l p=1 -l q=2").lines().count());
        assertEquals(2, run("sched:list --limit 1").lines().count());
        assertEquals(3, run("sched:list -s pending -s running").lines().count());
        assertTrue(fails("sched:list -s bogus").contains("valid states are PENDING"));
        assertTrue(fails("sched:list -n -1").contains("--limit '-1'"));
    }

    @Test
    void showCancelBackends() throws Exception {
        run("sched:submit -n a sleep 10");
        assertTrue(run("sched:show task-1").contains("sleep 10"));
        assertTrue(run("sched:cancel task-1").contains("cancelled"));
        assertTrue(run("sched:cancel task-1").contains("already ended (CANCELLED)"));
        assertTrue(run("sched:backends").contains("local"));
        assertEquals("unknown task id 'task-7'", fails("sched:show task-7"));
        assertTrue(fails("sched:show").contains("at least one task id"));
    }

    @Test
    void waitIsNotObjectWait() throws Exception {
        run("sched:submit true");
        scheduler.finish("task-1", TaskState.COMPLETED, 0);
        assertTrue(run("sched:wait -t 5 task-1").contains("COMPLETED"));
        assertTrue(run("sched:wait task-1").contains("COMPLETED"));
        assertTrue(fails("sched:wait").contains("at least one task id"));
        assertThrows(TaskRejectedException.class, () -> shell.session().execute("sched:wait 12"));
        assertThrows(TaskRejectedException.class, () -> shell.session().execute("sched:wait 12 13"));
        assertTrue(fails("sched:wait -t soon task-1").contains("--timeout 'soon'"));
    }

    @Test
    void waitTimesOut() throws Exception {
        run("sched:submit sleep 100");
        String m = fails("sched:wait -t 1 task-1");
        assertTrue(m.contains("timed out") && m.contains("task-1 (PENDING)"), m);
    }
}
