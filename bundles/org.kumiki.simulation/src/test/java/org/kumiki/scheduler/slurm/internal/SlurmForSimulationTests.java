package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;
import java.util.List;

import org.kumiki.scheduler.api.spi.ExecutionBackend;

/** The real Slurm backend, built as its own tests build it (its settings are package-private). */
public final class SlurmForSimulationTests {
    private SlurmForSimulationTests() {
    }

    public static ExecutionBackend backend(long pollMs) {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollIntervalMs = pollMs;
        s.commandTimeoutMs = 30_000;
        return new SlurmBackend(s, CommandRunner.PROCESSES);
    }

    public static void close(ExecutionBackend b) {
        ((SlurmBackend) b).deactivate();
    }

    /** Null when sinfo answers with a node, otherwise why not. */
    public static String whyNoSlurm() {
        try {
            CommandRunner.Result r = CommandRunner.PROCESSES.run(List.of("sinfo", "-h", "-o", "%t"), 15_000);
            if (!r.ok()) return "sinfo failed: " + r.errorLine();
            if (r.stdout.isBlank()) return "sinfo shows no node";
            return null;
        } catch (IOException e) {
            return "no sinfo: " + e.getMessage();
        }
    }
}
