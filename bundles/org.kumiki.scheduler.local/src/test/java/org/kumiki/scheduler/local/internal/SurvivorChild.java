package org.kumiki.scheduler.local.internal;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * Runs in a separate JVM that {@link ProcessSurvivorTest} kills with SIGKILL: starts one task
 * (one retry allowed) whose shell leaves a {@code setsid} child and a plain child, writes their
 * pids to {@code args[1]}, prints READY and waits to be killed.
 */
public final class SurvivorChild {
    public static void main(String[] args) throws Exception {
        Harness h = new Harness(Path.of(args[0]), 2, 0, 4096, false);
        TaskSpec s = TaskSpec.command("survivor", "sh", "-c",
                "setsid sleep 300 & echo $! > \"$1.tmp\"; sleep 300 & echo $! >> \"$1.tmp\"; echo $$ >> \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; wait",
                "sh", args[1]);
        s.retries = 1;
        TaskRecordDTO r = h.scheduler.submit(s);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (h.scheduler.get(r.id).get().state != TaskState.RUNNING || !java.nio.file.Files.exists(Path.of(args[1]))) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the task did not start");
            Thread.sleep(10);
        }
        Thread.sleep(200); // longer than the journal's background sync interval
        System.out.println("READY " + r.id);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
