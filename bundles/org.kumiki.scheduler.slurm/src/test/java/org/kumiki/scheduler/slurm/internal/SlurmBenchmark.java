package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * N trivial jobs through the backend vs a raw {@code sbatch --wrap true} loop, same cluster,
 * same run, alternating (raw, backend, raw, backend, ...) so that neither always goes first.
 * Runs only when KUMIKI_BENCH_JOBS is set (and is not picked up by the normal test run: the
 * class name does not end in Test): {@code benchmarks/slurm/run.sh [N] [ROUNDS]}.
 * Prints the figures and writes them to target/benchmark-slurm.txt.
 */
class SlurmBenchmark {

    @TempDir
    Path tmp;

    /** Seconds: until every sbatch returned, until every job ended (or was reported). */
    static final class Run {
        double submit;
        double done;
    }

    @Test
    void backendVersusRawSbatch() throws Exception {
        String n = System.getenv("KUMIKI_BENCH_JOBS");
        Assumptions.assumeTrue(n != null && !n.isBlank(), "set KUMIKI_BENCH_JOBS to run the benchmark");
        int jobs = Integer.parseInt(n.strip());
        int rounds = Integer.parseInt(System.getenv().getOrDefault("KUMIKI_BENCH_ROUNDS", "2"));
        long poll = Long.parseLong(System.getenv().getOrDefault("KUMIKI_BENCH_POLL_MS", "500"));
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "Slurm benchmark: %d trivial jobs (true) per run, %d rounds, %s%n", jobs, rounds,
                CommandRunner.PROCESSES.run(List.of("sinfo", "-h", "-o", "node %N, %c CPUs advertised, partition %P"), 15_000)
                        .stdout.strip()));
        String restUrl = System.getenv().getOrDefault("KUMIKI_SLURMRESTD_URL", "http://127.0.0.1:6820");
        boolean withRest;
        try {
            new SlurmRest(restUrl, "", "", 600, CommandRunner.PROCESSES, "scontrol", 10_000).jobs();
            withRest = true;
        } catch (java.io.IOException e) {
            withRest = false;
            report.append("(no slurmrestd at " + restUrl + ": " + e.getMessage() + ")\n");
        }
        List<Run> raw = new ArrayList<>();
        List<Run> backend = new ArrayList<>();
        List<Run> rest = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Run r = raw(jobs, round);
            raw.add(r);
            report.append(line("raw sbatch loop      ", round, jobs, r, ""));
            Run b = backend(jobs, round, poll, "");
            backend.add(b);
            report.append(line("SlurmBackend (CLI)   ", round, jobs, b, " (poll " + poll + " ms)"));
            if (withRest) {
                Run x = backend(jobs, round, poll, restUrl);
                rest.add(x);
                report.append(line("SlurmBackend (REST)  ", round, jobs, x, " (poll " + poll + " ms)"));
            }
        }
        Run rm = mean(raw);
        Run bm = mean(backend);
        report.append(line("raw sbatch loop      ", 0, jobs, rm, ""));
        report.append(line("SlurmBackend (CLI)   ", 0, jobs, bm, ""));
        report.append(String.format(Locale.ROOT, "ratio CLI backend/raw (mean): submit %.2f, all done %.2f%n",
                bm.submit / rm.submit, bm.done / rm.done));
        if (withRest) {
            Run xm = mean(rest);
            report.append(line("SlurmBackend (REST)  ", 0, jobs, xm, ""));
            report.append(String.format(Locale.ROOT, "ratio REST backend/raw (mean): submit %.2f, all done %.2f%n",
                    xm.submit / rm.submit, xm.done / rm.done));
        }
        System.out.print(report);
        Path out = Path.of("target", "benchmark-slurm.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    }

    private Run raw(int jobs, int round) throws Exception {
        waitForEmptyQueue();
        long t0 = System.nanoTime();
        CommandRunner.Result r = CommandRunner.PROCESSES.run(List.of("bash", "-c",
                "cd " + BatchJob.quote(tmp.toString()) + " && for i in $(seq " + jobs + "); do "
                        + "sbatch --parsable -o /dev/null -e /dev/null --wrap true || exit 1; done"), 600_000);
        long submitted = System.nanoTime();
        assertEquals(0, r.exitCode, r.errorLine());
        assertEquals(jobs, r.stdout.strip().split("\\s+").length);
        waitForEmptyQueue();
        Run run = new Run();
        run.submit = (submitted - t0) / 1e9;
        run.done = (System.nanoTime() - t0) / 1e9;
        return run;
    }

    private Run backend(int jobs, int round, long poll, String restUrl) throws Exception {
        waitForEmptyQueue();
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollIntervalMs = poll;
        s.restUrl = restUrl;
        SlurmBackend backend = new SlurmBackend(s, CommandRunner.PROCESSES);
        try {
            List<FakeExecution> es = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                String id = "bench-" + (restUrl.isEmpty() ? "cli-" : "rest-") + round + "-" + i;
                FakeExecution e = new FakeExecution(id, TaskSpec.command(id, "true"), tmp.resolve(id));
                backend.start(e);
                es.add(e);
            }
            long submitted = System.nanoTime();
            for (FakeExecution e : es) {
                assertEquals("EXITED 0: null", e.await(600));
            }
            Run run = new Run();
            run.submit = (submitted - t0) / 1e9;
            run.done = (System.nanoTime() - t0) / 1e9;
            return run;
        } finally {
            backend.deactivate();
        }
    }

    private static String line(String what, int round, int jobs, Run r, String extra) {
        return String.format(Locale.ROOT, "%s %-6s: submit %6.2f s (%6.1f jobs/s), all done %6.2f s%s%n", what,
                round == 0 ? "mean" : "run " + round, r.submit, jobs / r.submit, r.done, extra);
    }

    private static Run mean(List<Run> runs) {
        Run m = new Run();
        for (Run r : runs) {
            m.submit += r.submit / runs.size();
            m.done += r.done / runs.size();
        }
        return m;
    }

    /** Until this user has no job in the queue. */
    private static void waitForEmptyQueue() throws Exception {
        while (!CommandRunner.PROCESSES.run(List.of("squeue", "-h", "--me", "-o", "%i"), 15_000).stdout.isBlank()) {
            Thread.sleep(100);
        }
    }
}
