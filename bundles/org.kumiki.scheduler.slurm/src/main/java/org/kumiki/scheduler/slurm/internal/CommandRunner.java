package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;
import java.util.List;

/** Runs a Slurm client command. An interface so that unit tests can answer for Slurm. */
interface CommandRunner {

    /**
     * Runs {@code argv} and waits for it.
     *
     * @throws IOException when it cannot be started or runs longer than {@code timeoutMs}
     */
    Result run(List<String> argv, long timeoutMs) throws IOException;

    /** Exit status and output of a finished command. */
    final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        boolean ok() {
            return exitCode == 0;
        }

        /** The error output on one line (or the standard output when there is none). */
        String errorLine() {
            String s = stderr == null || stderr.isBlank() ? stdout : stderr;
            if (s == null || s.isBlank()) return "exit status " + exitCode;
            return String.join("; ", s.strip().lines().map(String::strip).filter(l -> !l.isEmpty())
                    .toArray(String[]::new));
        }
    }

    /** Runs real processes. */
    CommandRunner PROCESSES = new ProcessRunner();
}
