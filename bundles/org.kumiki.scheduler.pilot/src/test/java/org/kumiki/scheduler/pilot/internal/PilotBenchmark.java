package org.kumiki.scheduler.pilot.internal;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * N function tasks (kumiki.noop, 10 ms each) through a pilot on the real Slurm: pilot start
 * (submit to all workers connected), the run (submit to the last result: tasks/s), end to end,
 * and the container's CPU time per task; then the same function as one Slurm job per task
 * (M tasks, KUMIKI_BENCH_PER_JOB, default 20, extrapolated to N unless M = N). Runs only when
 * KUMIKI_BENCH_TASKS is set (the class name does not end in Test): benchmarks/slurm/pilot.sh.
 * Prints the figures and writes them to target/benchmark-pilot.txt.
 */
class PilotBenchmark {

    @TempDir
    Path tmp;

    @Test
    void pilotVersusOneJobPerTask() throws Exception {
        String n = System.getenv("KUMIKI_BENCH_TASKS");
        Assumptions.assumeTrue(n != null && !n.isBlank(), "set KUMIKI_BENCH_TASKS to run the benchmark");
        int tasks = Integer.parseInt(n.strip());
        int perJob = Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_PER_JOB", "20").strip());
        int workers = Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_WORKERS", "2").strip());
        int slots = Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_SLOTS", "16").strip());
        String jar = Harness.requirements();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder out = new StringBuilder();
        try (Harness h = new Harness(tmp.resolve("state"), jar, 1000, 30_000)) {
            long t0 = System.nanoTime();
            PilotManager.StartOptions o = new PilotManager.StartOptions();
            o.backend = "slurm";
            o.walltimeSeconds = 3600;
            o.workersPerNode = workers;
            o.slots = slots;
            String id = h.pilots.startPilot(o).id;
            try {
                Harness.waitFor("the pilot's workers", 600, () -> h.pilot(id).workersConnected == workers);
                long t1 = System.nanoTime();
                long cpu0 = os.getProcessCpuTime();
                List<String> ids = submit(h, tasks, "pilot");
                for (String t : ids) check(h.scheduler.await(t).toCompletableFuture().get(600, TimeUnit.SECONDS));
                long t2 = System.nanoTime();
                long cpu = os.getProcessCpuTime() - cpu0;
                double start = (t1 - t0) / 1e9, run = (t2 - t1) / 1e9;
                out.append(String.format(Locale.ROOT, "pilot: %d workers x %d slots; start %.2f s; %d tasks in %.2f s = %.0f tasks/s; end to end %.2f s; container CPU %.3f ms/task%n",
                        workers, slots, start, tasks, run, tasks / run, start + run, cpu / 1e6 / tasks));
                System.out.print(out);
                double perJobS;
                if (perJob > 0) {
                    long j0 = System.nanoTime();
                    for (String t : submit(h, perJob, "slurm")) check(h.scheduler.await(t).toCompletableFuture().get(3600, TimeUnit.SECONDS));
                    double s = (System.nanoTime() - j0) / 1e9;
                    perJobS = s / perJob * tasks;
                    out.append(String.format(Locale.ROOT, "one job per task: %d tasks in %.2f s (%.2f tasks/s)%s%n", perJob, s, perJob / s,
                            perJob == tasks ? "" : String.format(Locale.ROOT, "; %d extrapolated: %.0f s", tasks, perJobS)));
                    out.append(String.format(Locale.ROOT, "pilot end to end vs one job per task: %.1fx faster%n", perJobS / (start + run)));
                    System.out.print(out.substring(out.indexOf("one job per task")));
                }
            } finally {
                h.pilots.stopPilot(id);
            }
        }
        Files.writeString(Path.of("target/benchmark-pilot.txt"), out.toString(), StandardCharsets.UTF_8);
    }

    private static List<String> submit(Harness h, int n, String backend) {
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskSpec s = TaskSpec.function("noop-" + i, "kumiki.noop", "{\"ms\":10}");
            s.backend = backend;
            specs.add(s);
        }
        List<String> ids = new ArrayList<>();
        for (TaskRecordDTO r : h.scheduler.submitAll(specs)) ids.add(r.id);
        return ids;
    }

    private static void check(TaskRecordDTO r) {
        if (r.state != TaskState.COMPLETED) throw new AssertionError(r.id + " ended " + r.state + ": " + r.reason);
    }
}
