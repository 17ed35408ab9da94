package org.kumiki.scheduler.local.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * Scheduler benchmark (run by benchmarks/scheduler.sh), peers measured in the same run:
 * (a) N trivial processes ({@code true}) through the local backend vs. {@code xargs -P cores};
 * (b) M no-op function tasks: tasks per second and scheduler overhead per task.
 */
public final class SchedulerBenchmark {

    public static void main(String[] args) throws Exception {
        int processes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int functions = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("kumiki-bench");
        try {
            System.out.printf(Locale.ROOT, "cores=%d processes=%d functions=%d rounds=%d%n", cores, processes, functions, rounds);

            // (b) first: warm the JIT on functions
            for (int r = 0; r < rounds; r++) {
                try (Harness h = new Harness(tmp.resolve("b" + r), cores, 0, 4096)) {
                    List<TaskSpec> specs = new ArrayList<>(functions);
                    for (int i = 0; i < functions; i++) specs.add(TaskSpec.function(null, "noop", null));
                    long t0 = System.nanoTime();
                    List<TaskRecordDTO> rs = h.scheduler.submitAll(specs);
                    long submitted = System.nanoTime();
                    awaitAll(h, rs);
                    long t1 = System.nanoTime();
                    double s = (t1 - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "(b) round %d: %d function tasks in %.3f s (submit %.3f s) = %.0f tasks/s, %.1f us per task%n",
                            r + 1, functions, s, (submitted - t0) / 1e9, functions / s, (t1 - t0) / 1e3 / functions);
                }
            }

            for (int r = 0; r < rounds; r++) {
                double xargs = xargs(processes, cores);
                double kumiki;
                try (Harness h = new Harness(tmp.resolve("a" + r), cores, 0, 4096, false)) {
                    List<TaskSpec> specs = new ArrayList<>(processes);
                    for (int i = 0; i < processes; i++) {
                        TaskSpec s = TaskSpec.command("t", "true");
                        s.stdout = "/dev/null";
                        s.stderr = "/dev/null";
                        specs.add(s);
                    }
                    long t0 = System.nanoTime();
                    List<TaskRecordDTO> rs = h.scheduler.submitAll(specs);
                    awaitAll(h, rs);
                    kumiki = (System.nanoTime() - t0) / 1e9;
                }
                System.out.printf(Locale.ROOT, "(a) round %d: %d x true: kumiki local %.2f s (%.0f/s), xargs -P%d %.2f s (%.0f/s), ratio %.2f%n",
                        r + 1, processes, kumiki, processes / kumiki, cores, xargs, processes / xargs, xargs / kumiki);
            }
        } finally {
            deleteTree(tmp); // each round leaves its task records: hundreds of MB
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void awaitAll(Harness h, List<TaskRecordDTO> rs) throws Exception {
        List<CompletableFuture<TaskRecordDTO>> fs = new ArrayList<>(rs.size());
        for (TaskRecordDTO r : rs) fs.add(h.scheduler.await(r.id).toCompletableFuture());
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(30, TimeUnit.MINUTES);
        long failed = fs.stream().filter(f -> f.join().state != TaskState.COMPLETED).count();
        if (failed > 0) throw new IllegalStateException(failed + " tasks did not complete, e.g. " + fs.stream().map(CompletableFuture::join).filter(x -> x.state != TaskState.COMPLETED).findFirst().get());
    }

    static double xargs(int n, int cores) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", "seq " + n + " | xargs -P " + cores + " -n 1 true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException("xargs failed");
        return (System.nanoTime() - t0) / 1e9;
    }
}
