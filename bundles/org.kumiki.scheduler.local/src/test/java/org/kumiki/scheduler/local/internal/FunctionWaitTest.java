package org.kumiki.scheduler.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * After a restart the scheduler starts queued function tasks as soon as the local backend is
 * up, maybe before the bundle that registers the function: they wait for it, bounded.
 */
class FunctionWaitTest {
    @TempDir
    Path dir;

    @Test
    void aFunctionRegisteredAfterTheRestartRunsTheQueuedTask() throws Exception {
        Path state = dir.resolve("state");
        // a first container stops (its scheduler first, so nothing more starts) while the
        // function task waits for the one cpu
        String id;
        Harness first = new Harness(state, Harness.config(1, 0, 4096, 60), false);
        try {
            first.function("late", (args, ctx) -> "\"first\"");
            TaskRecordDTO busy = first.scheduler.submit(TaskSpec.command("busy", "sleep", "300"));
            awaitState(first, busy.id, TaskState.RUNNING);
            id = first.scheduler.submit(TaskSpec.function("point", "late", "{\"x\":1}")).id;
            assertEquals(TaskState.PENDING, first.scheduler.get(id).orElseThrow().state);
        } finally {
            first.scheduler.close();
            first.local.deactivate();
        }
        // the next container: the backend is up before the function's bundle
        try (Harness h = new Harness(state, Harness.config(1, 0, 4096, 60), false)) {
            awaitState(h, h.scheduler.list(org.kumiki.scheduler.api.dto.TaskFilter.all()).stream()
                    .filter(t -> "busy".equals(t.spec.name)).findFirst().orElseThrow().id, TaskState.LOST);
            Thread.sleep(300); // the cpu is free and the backend has been asked to start the task
            assertTrue(!h.scheduler.get(id).orElseThrow().state.isTerminal(), "waits instead of failing: " + h.scheduler.get(id).orElseThrow().reason);
            h.function("late", (args, ctx) -> "\"registered late\"");
            TaskRecordDTO done = h.scheduler.await(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(TaskState.COMPLETED, done.state, done.reason);
            assertEquals("\"registered late\"", done.result);
        }
    }

    @Test
    void aFunctionThatNeverComesFailsWithOneLineOnceTheBoundPasses() throws Exception {
        try (Harness h = new Harness(dir.resolve("state"), Harness.config(2, 0, 4096, 1), false)) {
            org.kumiki.scheduler.api.spi.TaskFunction gone = (args, ctx) -> "\"never\"";
            h.function("gone", gone);
            h.function("other", (args, ctx) -> null);
            TaskRecordDTO gate = h.scheduler.submit(TaskSpec.command("gate", "sleep", "300"));
            TaskSpec f = TaskSpec.function("point", "gone", null);
            f.dependencies = new java.util.ArrayList<>(List.of(DependencyDTO.of(gate.id, DependencyType.AFTER_ANY)));
            TaskRecordDTO r = h.scheduler.submit(f);
            h.local.removeFunction(gone, java.util.Map.of(org.kumiki.scheduler.api.spi.TaskFunction.NAME, "gone"));
            h.scheduler.cancel(gate.id);
            TaskRecordDTO done = h.scheduler.await(r.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(TaskState.FAILED, done.state);
            assertEquals("function 'gone' is not registered (waited 1 s for it; registered: other)", done.reason);
        }
    }

    @Test
    void aTaskWaitingForItsFunctionCanBeCancelled() throws Exception {
        try (Harness h = new Harness(dir.resolve("state"), Harness.config(2, 0, 4096, 600), false)) {
            org.kumiki.scheduler.api.spi.TaskFunction gone = (args, ctx) -> "\"never\"";
            h.function("gone", gone);
            TaskRecordDTO gate = h.scheduler.submit(TaskSpec.command("gate", "sleep", "300"));
            TaskSpec f = TaskSpec.function("point", "gone", null);
            f.dependencies = new java.util.ArrayList<>(List.of(DependencyDTO.of(gate.id, DependencyType.AFTER_ANY)));
            TaskRecordDTO r = h.scheduler.submit(f);
            h.local.removeFunction(gone, java.util.Map.of(org.kumiki.scheduler.api.spi.TaskFunction.NAME, "gone"));
            h.scheduler.cancel(gate.id);
            h.scheduler.await(gate.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Thread.sleep(200);
            assertTrue(h.scheduler.cancel(r.id));
            TaskRecordDTO done = h.scheduler.await(r.id).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(TaskState.CANCELLED, done.state);
        }
    }

    static void awaitState(Harness h, String id, TaskState s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (h.scheduler.get(id).orElseThrow().state != s) {
            assertTrue(System.nanoTime() < deadline, id + " never " + s);
            Thread.sleep(10);
        }
    }
}
