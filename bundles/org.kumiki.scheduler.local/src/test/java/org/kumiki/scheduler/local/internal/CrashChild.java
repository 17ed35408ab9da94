package org.kumiki.scheduler.local.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * Runs in a separate JVM that the crash test kills with SIGKILL: submits 1,000 tasks
 * (finished, running, queued and blocked ones), prints READY and waits to be killed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Harness h = new Harness(Path.of(args[0]), 2, 0, 4096);
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 300; i++) specs.add(TaskSpec.function("quick-" + i, "noop", null)); // will complete
        TaskSpec fail = TaskSpec.command("fails", "sh", "-c", "exit 7");
        specs.add(fail); // #300 completes as FAILED
        for (int i = 0; i < 2; i++) {
            TaskSpec s = TaskSpec.command("long-" + i, "sleep", "300");
            s.priority = -1;
            specs.add(s); // #301, #302: running when killed
        }
        for (int i = 0; i < 497; i++) {
            TaskSpec s = TaskSpec.command("queued-" + i, "sleep", "300");
            s.priority = -2; // behind the long ones: still queued
            specs.add(s);
        }
        for (int i = 0; i < 200; i++) {
            TaskSpec s = TaskSpec.command("blocked-" + i, "true");
            s.dependencies.add(DependencyDTO.of("#301", DependencyType.AFTER_OK));
            specs.add(s);
        }
        List<TaskRecordDTO> rs = h.scheduler.submitAll(specs);
        for (int i = 0; i <= 300; i++) h.scheduler.await(rs.get(i).id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (h.scheduler.get(rs.get(302).id).get().state != TaskState.RUNNING
                || h.scheduler.get(rs.get(301).id).get().state != TaskState.RUNNING) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("long tasks did not start");
            Thread.sleep(10);
        }
        Thread.sleep(200); // longer than the journal's background sync interval
        System.out.println("READY " + rs.get(0).id + " " + rs.get(rs.size() - 1).id);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
