package org.kumiki.scheduler.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** sched:submit --array/--ntasks/..., sched:list folding array elements, the state summary. */
class ArrayCommandsTest {

    final Clock clock = Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"), ZoneOffset.UTC);
    final FakeScheduler scheduler = new FakeScheduler(clock::millis);
    final SchedulerCommands commands = new SchedulerCommands(scheduler, clock);

    @Test
    void parallelOptions() {
        TaskSpec s = SubmitParser.parse("--nodes", "2", "--ntasks=4", "--cpus-per-task", "3", "--launcher", "mpirun", "lmp", "-in", "in.lj");
        assertEquals(2, s.resources.nodes);
        assertEquals(4, s.resources.tasks);
        assertEquals(3, s.resources.cpusPerTask);
        assertEquals(Launcher.MPIRUN, s.launcher);
        assertEquals(List.of("lmp", "-in", "in.lj"), s.command);
    }

    @Test
    void badParallelOptionsAreOneLine() {
        for (String[] args : new String[][] {{"--ntasks", "0", "x"}, {"--ntasks", "-3", "x"}, {"--nodes", "0", "x"}, {"--cpus-per-task", "0", "x"},
                {"--launcher", "ssh", "x"}, {"--array", "5-2", "x"}, {"--array", "a-b", "x"}, {"--array", "0-100000", "x"}, {"--throttle", "0", "x"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubmitParser.parse(args), String.join(" ", args));
            assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains(args[0]), e.getMessage());
        }
        assertEquals("invalid --launcher 'ssh': one of auto, none, srun, mpirun",
                assertThrows(IllegalArgumentException.class, () -> SubmitParser.parse("--launcher", "ssh", "x")).getMessage());
        assertEquals("option --throttle needs --array",
                assertThrows(IllegalArgumentException.class, () -> commands.submit("--throttle", "4", "true")).getMessage());
    }

    @Test
    void submitArrayIsOneBatchRequestedAsAnArray() {
        String out = commands.submit("--array", "0-2", "--throttle", "2", "-n", "pt", "sh", "-c", "echo $KUMIKI_ARRAY_INDEX");
        assertEquals("Submitted task-1..task-3 (3 tasks)\n", out);
        assertEquals(3, scheduler.submitted.size());
        for (int i = 0; i < 3; i++) {
            TaskSpec s = scheduler.submitted.get(i);
            assertEquals("pt-" + i, s.name);
            assertEquals(Integer.toString(i), s.environment.get("KUMIKI_ARRAY_INDEX"));
            assertEquals(Map.of(Scheduler.ARRAY_LABEL, "true", Scheduler.ARRAY_THROTTLE_LABEL, "2"), s.labels);
        }
    }

    @Test
    void listFoldsTheElementsOfAnArray() {
        commands.submit("--array", "5", "true");
        commands.submit("-n", "single", "true");
        TaskState[] states = {TaskState.COMPLETED, TaskState.COMPLETED, TaskState.RUNNING, TaskState.PENDING, TaskState.FAILED};
        for (int i = 0; i < 5; i++) {
            TaskRecordDTO r = scheduler.records.get("task-" + (i + 1));
            r.arrayId = "array-1";
            r.arrayIndex = i;
            r.state = states[i];
            r.backendJobId = "440_" + i;
        }
        String out = commands.list("", "", "", "0", false);
        assertTrue(out.contains("task-1[0-4]"), out);
        assertTrue(out.contains("2 done, 1 failed, 1 running, 1 pending"), out);
        assertTrue(out.contains("440 "), out);
        assertTrue(out.contains("task-6 "), out);
        assertEquals(3, out.strip().split("\n").length, "header, the array, the single task:\n" + out);
        String all = commands.list("", "", "", "0", true);
        assertEquals(7, all.strip().split("\n").length, "header, five elements, the single task:\n" + all);
        for (int i = 1; i <= 6; i++) assertTrue(all.contains("task-" + i + " "), all);
        assertEquals("array-1", scheduler.records.get("task-1").arrayId, "--expand leaves the records alone");
    }

    @Test
    void stateSummary() {
        assertEquals("812 done, 150 running, 38 pending",
                SchedulerCommands.states(Map.of(TaskState.PENDING, 38, TaskState.RUNNING, 150, TaskState.COMPLETED, 812)));
    }
}
