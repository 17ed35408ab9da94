package org.kumiki.scheduler.slurm.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs commands as processes, reading their output on daemon threads, with a timeout. */
final class ProcessRunner implements CommandRunner {

    private static final ExecutorService DRAIN = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kumiki-slurm-output");
        t.setDaemon(true);
        return t;
    });

    @Override
    public Result run(List<String> argv, long timeoutMs) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        Future<String> out = DRAIN.submit(() -> drain(p.getInputStream()));
        Future<String> err = DRAIN.submit(() -> drain(p.getErrorStream()));
        try {
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " did not answer within " + timeoutMs + " ms");
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv.get(0) + " was interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(argv.get(0) + ": cannot read its output: " + e.getMessage(), e);
        }
    }

    private static String drain(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
