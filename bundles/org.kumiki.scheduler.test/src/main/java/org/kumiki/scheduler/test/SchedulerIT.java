package org.kumiki.scheduler.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskExecution;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

class SchedulerIT {

    @InjectBundleContext
    BundleContext context;

    static TaskRecordDTO await(Scheduler s, String id) throws Exception {
        return s.await(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void runsCommandsOnTheLocalBackendAndPostsEvents(@InjectService Scheduler scheduler) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, "org/kumiki/scheduler/*");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class,
                e -> events.add(e.getTopic() + " " + e.getProperty("task.id") + " " + e.getProperty("task.exitCode")), p);
        try {
            TaskRecordDTO r = scheduler.submit(TaskSpec.command("hello", "sh", "-c", "exit 0"));
            TaskRecordDTO end = await(scheduler, r.id);
            assertEquals(TaskState.COMPLETED, end.state);
            String completed = "org/kumiki/scheduler/COMPLETED " + r.id + " 0";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean seenRunning = false, seenCompleted = false;
            while (!(seenRunning && seenCompleted) && System.nanoTime() < deadline) {
                String e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) continue;
                if (e.startsWith("org/kumiki/scheduler/RUNNING " + r.id)) seenRunning = true;
                if (e.equals(completed)) seenCompleted = true;
            }
            assertTrue(seenRunning && seenCompleted, "events RUNNING and COMPLETED for " + r.id);
            assertTrue(scheduler.backends().stream().anyMatch(b -> b.name.equals("local") && b.isDefault));
        } finally {
            reg.unregister();
        }
    }

    @Test
    void functionsComeAndGoAsServices(@InjectService Scheduler scheduler) throws Exception {
        TaskSpec square = TaskSpec.function("sq", "square", "7");
        assertTrue(assertThrows(TaskRejectedException.class, () -> scheduler.submit(square)).getMessage().contains("unknown function 'square'"));
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(TaskFunction.NAME, "square");
        ServiceRegistration<TaskFunction> reg = context.registerService(TaskFunction.class,
                (args, ctx) -> Long.toString(Long.parseLong(args.trim()) * Long.parseLong(args.trim())), p);
        try {
            TaskRecordDTO end = await(scheduler, scheduler.submit(square).id);
            assertEquals(TaskState.COMPLETED, end.state);
            assertEquals("49", end.result);
            TaskRecordDTO bad = await(scheduler, scheduler.submit(TaskSpec.function("sq", "square", "\"seven\"")).id);
            assertEquals(TaskState.FAILED, bad.state);
            assertTrue(bad.reason.contains("NumberFormatException"), bad.reason);
        } finally {
            reg.unregister();
        }
        assertThrows(TaskRejectedException.class, () -> scheduler.submit(square));
    }

    /** A backend that holds every task until told otherwise. */
    static class HoldingBackend implements ExecutionBackend {
        final BlockingQueue<TaskExecution> started = new LinkedBlockingQueue<>();

        @Override public Capacity capacity() { return new Capacity(4, 0, -1); }
        @Override public String rejects(TaskSpec spec) { return spec.name != null && spec.name.startsWith("refuse") ? "this backend refuses " + spec.name : null; }
        @Override public void start(TaskExecution e) {
            started.add(e);
            e.running("held-" + e.taskId());
        }
        @Override public void cancel(TaskExecution e) { e.cancelled("cancelled by the holding backend"); }
        @Override public boolean reattach(TaskExecution e, String id) { return false; }
    }

    @Test
    void backendsComeAndGoAtRuntime(@InjectService Scheduler scheduler) throws Exception {
        HoldingBackend hb = new HoldingBackend();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExecutionBackend.NAME, "holding");
        ServiceRegistration<ExecutionBackend> reg = context.registerService(ExecutionBackend.class, hb, p);
        TaskSpec s = TaskSpec.command("held", "true");
        s.backend = "holding";
        TaskRecordDTO r;
        try {
            awaitTrue("backend listed", () -> scheduler.backends().stream().anyMatch(b -> b.name.equals("holding")));
            r = scheduler.submit(s);
            TaskExecution e = hb.started.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "dispatched to the new backend");
            awaitTrue("running", () -> scheduler.get(r.id).get().state == TaskState.RUNNING);
            assertEquals("held-" + r.id, scheduler.get(r.id).get().backendJobId);
            TaskSpec refused = TaskSpec.command("refuse-me", "true");
            refused.backend = "holding";
            assertTrue(assertThrows(TaskRejectedException.class, () -> scheduler.submit(refused)).getMessage().contains("this backend refuses refuse-me"));
        } finally {
            reg.unregister();
        }
        TaskRecordDTO end = await(scheduler, r.id);
        assertEquals(TaskState.LOST, end.state);
        assertTrue(end.reason.contains("backend 'holding' went away"), end.reason);
        assertTrue(assertThrows(TaskRejectedException.class, () -> scheduler.submit(s)).getMessage().contains("unknown backend 'holding'"));
    }

    @Test
    void recordsSurviveAReconfigurationOfTheScheduler(@InjectService Scheduler scheduler, @InjectService ConfigurationAdmin cm) throws Exception {
        TaskRecordDTO done = await(scheduler, scheduler.submit(TaskSpec.command("before", "true")).id);
        Configuration c = cm.getConfiguration("org.kumiki.scheduler", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("backfill.window", 10);
        c.update(props);
        try {
            // the component is re-created on its new configuration and reopens the journal
            ServiceTracker<Scheduler, Scheduler> t = new ServiceTracker<>(context, Scheduler.class, null);
            t.open();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    Scheduler s2 = t.getService();
                    if (s2 != null && s2 != scheduler) {
                        TaskRecordDTO again = s2.get(done.id).orElseThrow();
                        assertEquals(TaskState.COMPLETED, again.state);
                        assertEquals(done.finishedAt, again.finishedAt);
                        return;
                    }
                    Thread.sleep(50);
                }
                fail("scheduler was not re-created after its configuration changed");
            } finally {
                t.close();
            }
        } finally {
            c.delete();
        }
    }

    @Test
    void backendsThatOrderJobsThemselvesGetDependentsEarly(@InjectService Scheduler scheduler) throws Exception {
        HoldingBackend hb = new HoldingBackend() {
            @Override public boolean supportsNativeDependencies() { return true; }
        };
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExecutionBackend.NAME, "native");
        ServiceRegistration<ExecutionBackend> reg = context.registerService(ExecutionBackend.class, hb, p);
        try {
            awaitTrue("backend listed", () -> scheduler.backends().stream().anyMatch(b -> b.name.equals("native")));
            TaskSpec a = TaskSpec.command("a", "true");
            a.backend = "native";
            TaskSpec b = TaskSpec.command("b", "true");
            b.backend = "native";
            b.dependencies.add(org.kumiki.scheduler.api.dto.DependencyDTO.of("#0", org.kumiki.scheduler.api.DependencyType.AFTER_NOT_OK));
            List<TaskRecordDTO> rs = scheduler.submitAll(List.of(a, b));
            TaskExecution ea = hb.started.poll(10, TimeUnit.SECONDS);
            TaskExecution eb = hb.started.poll(10, TimeUnit.SECONDS);
            assertNotNull(eb, "the dependent was handed to the backend while its dependency still runs");
            assertEquals(rs.get(0).id, ea.taskId());
            assertEquals(List.of("afternotok:held-" + rs.get(0).id), eb.nativeDependencies());
            assertEquals(List.of(), ea.nativeDependencies());
            ea.exited(1, "exit code 1");
            eb.exited(0, null);
            assertEquals(TaskState.COMPLETED, await(scheduler, rs.get(1).id).state);
        } finally {
            reg.unregister();
        }
    }

    @Test
    void anUnavailableBackendKeepsTasksQueuedAndIsTriedAgain(@InjectService Scheduler scheduler) throws Exception {
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
        HoldingBackend flaky = new HoldingBackend() {
            @Override
            public void start(TaskExecution e) {
                if (refusals.getAndDecrement() > 0) {
                    sneaky(new org.kumiki.scheduler.api.spi.BackendUnavailableException("controller does not answer"));
                }
                super.start(e);
            }
        };
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExecutionBackend.NAME, "flaky");
        ServiceRegistration<ExecutionBackend> reg = context.registerService(ExecutionBackend.class, flaky, p);
        try {
            awaitTrue("backend listed", () -> scheduler.backends().stream().anyMatch(b -> b.name.equals("flaky")));
            TaskSpec s = TaskSpec.command("patient", "true");
            s.backend = "flaky";
            TaskRecordDTO r = scheduler.submit(s);
            awaitTrue("first refusal recorded", () -> {
                TaskRecordDTO now = scheduler.get(r.id).get();
                return now.reason != null && now.reason.contains("backend 'flaky' unavailable (controller does not answer)");
            });
            assertEquals(TaskState.PENDING, scheduler.get(r.id).get().state);
            TaskExecution e = flaky.started.poll(15, TimeUnit.SECONDS);
            assertNotNull(e, "tried again after the back-off");
            assertEquals(1, e.attempt(), "refusals do not count as attempts");
            e.exited(0, null);
            assertEquals(TaskState.COMPLETED, await(scheduler, r.id).state);
        } finally {
            reg.unregister();
        }
    }

    @Test
    void aTaskQueuedInItsBackendIsReattachedNotResubmittedAfterARestart(@InjectService Scheduler scheduler, @InjectService ConfigurationAdmin cm) throws Exception {
        BlockingQueue<String> reattached = new LinkedBlockingQueue<>();
        HoldingBackend queueing = new HoldingBackend() {
            @Override public void start(TaskExecution e) {
                started.add(e);
                e.queued("q-" + e.taskId()); // accepted, not started
            }
            @Override public boolean reattach(TaskExecution e, String id) {
                reattached.add(id);
                return true;
            }
        };
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(ExecutionBackend.NAME, "queueing");
        ServiceRegistration<ExecutionBackend> reg = context.registerService(ExecutionBackend.class, queueing, p);
        Configuration c = cm.getConfiguration("org.kumiki.scheduler", "?");
        try {
            awaitTrue("backend listed", () -> scheduler.backends().stream().anyMatch(b -> b.name.equals("queueing")));
            TaskSpec s = TaskSpec.command("waits-in-queue", "true");
            s.backend = "queueing";
            TaskRecordDTO r = scheduler.submit(s);
            assertNotNull(queueing.started.poll(10, TimeUnit.SECONDS));
            awaitTrue("job id recorded", () -> ("q-" + r.id).equals(scheduler.get(r.id).get().backendJobId));
            assertEquals(TaskState.PENDING, scheduler.get(r.id).get().state, "queued in the backend is not running");
            // re-create the scheduler (new configuration): it must re-attach, not submit again
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("backfill.window", 7);
            c.update(props);
            // (tasks other tests left queued in this backend are re-attached too)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String seen = null;
            while (!("q-" + r.id).equals(seen) && System.nanoTime() < deadline) seen = reattached.poll(100, TimeUnit.MILLISECONDS);
            assertEquals("q-" + r.id, seen);
            assertEquals(null, queueing.started.poll(500, TimeUnit.MILLISECONDS), "not submitted a second time");
        } finally {
            c.delete();
            reg.unregister();
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    static void awaitTrue(String what, BooleanSupplier b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!b.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
