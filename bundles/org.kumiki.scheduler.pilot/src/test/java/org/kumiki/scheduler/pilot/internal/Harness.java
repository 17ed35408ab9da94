package org.kumiki.scheduler.pilot.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assumptions;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;
import org.kumiki.scheduler.slurm.internal.SlurmForPilotTests;

/** The real scheduler core and journal, the real Slurm backend and the pilot manager, wired by hand on one state folder. */
final class Harness implements AutoCloseable {
    final SchedulerImpl scheduler;
    final ExecutionBackend slurm;
    final PilotManager pilots;

    Harness(Path state, String workerJar, long heartbeatMs, long graceMs) throws Exception {
        scheduler = new SchedulerImpl(JournalFactoryComponent.withInterval(5), state.resolve("scheduler"), "slurm", 1000);
        slurm = SlurmForPilotTests.backend(200, workerJar);
        scheduler.addBackend(slurm, Map.of(ExecutionBackend.NAME, "slurm"));
        pilots = new PilotManager(scheduler, state.resolve("pilot"), config(heartbeatMs, graceMs), workerJar);
        scheduler.addBackend(pilots, Map.of(ExecutionBackend.NAME, PilotManager.BACKEND));
    }

    static PilotManager.Config config(long heartbeatMs, long graceMs) {
        return new PilotManager.Config() {
            @Override public Class<? extends Annotation> annotationType() { return PilotManager.Config.class; }
            @Override public String listen_address() { return "127.0.0.1"; }
            @Override public int port() { return 0; }
            @Override public String advertised_address() { return ""; }
            @Override public long heartbeat_ms() { return heartbeatMs; }
            @Override public long reattach_grace_ms() { return graceMs; }
            @Override public String worker_jar() { return ""; }
            @Override public String worker_java() { return System.getProperty("java.home") + "/bin/java"; }
            @Override public String state_dir() { return ""; }
        };
    }

    /** Skips without Slurm or the worker jar, unless KUMIKI_REQUIRE_SLURM=1: then fails. Returns the worker jar. */
    static String requirements() {
        String why = SlurmForPilotTests.whyNoSlurm();
        String jar = System.getenv().getOrDefault("KUMIKI_WORKER_JAR",
                Path.of(System.getProperty("user.dir")).resolve("../../distributions/worker/target/worker.jar").normalize().toString());
        if (why == null && !Files.isRegularFile(Path.of(jar))) why = "no worker jar at " + jar + " (build distributions/worker or set KUMIKI_WORKER_JAR)";
        if (why == null) return jar;
        if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM"))) fail("Slurm is required (KUMIKI_REQUIRE_SLURM=1): " + why);
        Assumptions.abort(why);
        return null;
    }

    static void waitFor(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out after " + seconds + " s waiting for " + what);
            Thread.sleep(50);
        }
    }

    PilotManager.PilotInfo pilot(String id) {
        return pilots.pilots().stream().filter(p -> p.id.equals(id)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        pilots.deactivate();
        SlurmForPilotTests.close(slurm);
        scheduler.close();
    }
}
