package org.kumiki.scheduler.slurm.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;

/**
 * N function tasks (kumiki.noop, 10 ms) on the real Slurm, end to end: as one Kumiki task
 * array (one sbatch --array), as a raw {@code sbatch --array} of the worker jar (the same
 * work without Kumiki), and M of them as one Slurm job each (extrapolated to N). Runs only
 * when KUMIKI_BENCH_ARRAY_TASKS is set (benchmarks/slurm/arrays.sh). Prints the figures and
 * writes them to target/benchmark-arrays.txt.
 */
class ArrayBenchmark {

    @TempDir
    Path tmp;

    @Test
    void arrays() throws Exception {
        String n = System.getenv("KUMIKI_BENCH_ARRAY_TASKS");
        Assumptions.assumeTrue(n != null && !n.isBlank(), "benchmark: set KUMIKI_BENCH_ARRAY_TASKS (benchmarks/slurm/arrays.sh)");
        SlurmIntegrationTest.slurmIsUp();
        int tasks = Integer.parseInt(n);
        int perJob = Math.min(tasks, Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_PER_JOB", "50")));
        int throttle = Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_THROTTLE", "64"));
        String jar = System.getenv().getOrDefault("KUMIKI_WORKER_JAR", Path.of("../../distributions/worker/target/worker.jar").toAbsolutePath().normalize().toString());
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(jar)), "no worker jar at " + jar + " (build distributions/worker)");

        double raw = rawArray(tasks, throttle, jar);
        double array = kumiki(tasks, throttle, jar, true);
        double one = kumiki(perJob, throttle, jar, false) * tasks / perJob;
        StringBuilder b = new StringBuilder();
        b.append(String.format("%d function tasks (kumiki.noop 10 ms) on Slurm, throttle %d, end to end:%n", tasks, throttle));
        b.append(String.format("  raw sbatch --array of the worker jar: %8.1f s (%.1f tasks/s)%n", raw, tasks / raw));
        b.append(String.format("  Kumiki task array (one sbatch):      %8.1f s (%.1f tasks/s)%n", array, tasks / array));
        b.append(String.format("  one Slurm job per task:              %8.1f s (%s)%n", one, perJob < tasks ? perJob + " measured, extrapolated" : "measured"));
        b.append(String.format("  array / raw array: %.2fx (target <= 1.1x); one job per task / array: %.1fx%n", array / raw, one / array));
        System.out.print(b);
        Files.writeString(Path.of("target/benchmark-arrays.txt"), b.toString(), StandardCharsets.UTF_8);
    }

    /** The same work without Kumiki: one sbatch --array running the worker jar, waited for with squeue. */
    double rawArray(int tasks, int throttle, String jar) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("raw"));
        Files.writeString(dir.resolve("args.json"), "{\"ms\":10}");
        Path script = dir.resolve("raw.sh");
        Files.writeString(script, "#!/bin/sh\nexec java -Dkumiki.worker.function=kumiki.noop -Dkumiki.worker.arguments.file=" + dir.resolve("args.json")
                + " -Dkumiki.worker.result.file=" + dir + "/result-$SLURM_ARRAY_TASK_ID.json -jar " + BatchJob.quote(jar) + "\n");
        long t0 = System.nanoTime();
        CommandRunner.Result r = CommandRunner.PROCESSES.run(List.of("sbatch", "--parsable", "--array=0-" + (tasks - 1) + "%" + throttle,
                "--output=/dev/null", "--chdir=" + dir, "--no-requeue", script.toString()), 30_000);
        if (!r.ok()) throw new AssertionError("sbatch: " + r.errorLine());
        String job = BatchJob.parseJobId(r.stdout);
        while (true) {
            CommandRunner.Result q = CommandRunner.PROCESSES.run(List.of("squeue", "-h", "-j", job), 30_000);
            if (q.ok() && q.stdout.isBlank()) break;
            Thread.sleep(200);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long results;
        try (var files = Files.list(dir)) {
            results = files.filter(p -> p.getFileName().toString().startsWith("result-")).count();
        }
        if (results != tasks) throw new AssertionError("raw array: " + results + " results of " + tasks);
        return s;
    }

    double kumiki(int tasks, int throttle, String jar, boolean asArray) throws Exception {
        Path state = tmp.resolve(asArray ? "array" : "jobs");
        SchedulerImpl s = new SchedulerImpl(JournalFactoryComponent.withInterval(5), state, "slurm", 1000);
        SlurmBackend.Settings settings = new SlurmBackend.Settings();
        settings.pollIntervalMs = 200;
        settings.workerJar = jar;
        settings.arrayThrottle = throttle;
        SlurmBackend b = new SlurmBackend(settings, CommandRunner.PROCESSES);
        s.addBackend(b, Map.of(ExecutionBackend.NAME, "slurm"));
        try {
            List<TaskSpec> specs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TaskSpec t = TaskSpec.function("noop-" + i, "kumiki.noop", "{\"ms\":10}");
                t.labels.put(Scheduler.ARRAY_LABEL, Boolean.toString(asArray));
                specs.add(t);
            }
            long t0 = System.nanoTime();
            List<TaskRecordDTO> recs = s.submitAll(specs);
            for (TaskRecordDTO r : recs) {
                TaskRecordDTO done = s.await(r.id).toCompletableFuture().get(3600, TimeUnit.SECONDS);
                if (done.state != TaskState.COMPLETED) throw new AssertionError(r.id + " " + done.state + ": " + done.reason);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            b.deactivate();
            s.close();
        }
    }
}
