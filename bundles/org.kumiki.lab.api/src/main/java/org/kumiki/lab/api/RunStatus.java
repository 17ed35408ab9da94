package org.kumiki.lab.api;

import java.util.Locale;

/**
 * The status of a run in the store: Bluesky's stop-document {@code exit_status} ({@code success},
 * {@code abort}, {@code fail}), {@code running} while the run is open, and {@code incomplete} when
 * the container died mid-run (no stop document). {@link #exitStatus()} is the lower-case word the
 * documents and the REST API carry.
 *
 * @since 1.3
 */
public enum RunStatus {
    /** The run is open. */
    RUNNING("running"),
    /** The plan ended normally (or was stopped cleanly). */
    SUCCESS("success"),
    /** The run was aborted. */
    ABORT("abort"),
    /** The plan failed; the reason says why. */
    FAIL("fail"),
    /** No stop document: the container stopped before the run ended. */
    INCOMPLETE("incomplete");

    private final String exitStatus;

    RunStatus(String exitStatus) {
        this.exitStatus = exitStatus;
    }

    /** The lower-case word of documents and JSON, e.g. {@code success}. */
    public String exitStatus() {
        return exitStatus;
    }

    /** Whether the run has ended. */
    public boolean isTerminal() {
        return this != RUNNING;
    }

    /**
     * The status of an exit status word (either case).
     *
     * @throws IllegalArgumentException naming the word and the valid ones
     */
    public static RunStatus of(String exitStatus) {
        if (exitStatus != null) {
            for (RunStatus s : values()) {
                if (s.exitStatus.equals(exitStatus.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("run status " + (exitStatus == null ? "null" : "'" + exitStatus + "'")
            + " is not one of running, success, abort, fail, incomplete");
    }
}
