package org.kumiki.scheduler.slurm.internal;

import org.kumiki.scheduler.api.spi.TaskExecution;

/** The terminal report for an ended Slurm job: which TaskExecution callback, with what. */
final class Outcome {

    enum Kind { EXITED, FAILED, TIMED_OUT, CANCELLED, LOST }

    final Kind kind;
    final int exitCode;
    final String reason;

    private Outcome(Kind kind, int exitCode, String reason) {
        this.kind = kind;
        this.exitCode = exitCode;
        this.reason = reason;
    }

    /**
     * Maps an ended job's state to a report; null while the job is still active.
     *
     * @param cancelRequested whether Kumiki asked for the cancel (scancel)
     */
    static Outcome of(SlurmStatus s, boolean cancelRequested) {
        if (s.isActive()) return null;
        String job = "Slurm job " + s.jobId;
        String code = s.exitCode >= 0 ? " (exit code " + s.exitCode + (s.signal > 0 ? ", signal " + s.signal : "") + ")" : "";
        switch (s.state) {
            case "COMPLETED":
                return new Outcome(Kind.EXITED, 0, null);
            case "FAILED":
            case "OUT_OF_MEMORY":
            case "NODE_FAIL":
            case "BOOT_FAIL":
            case "SPECIAL_EXIT": {
                String why = job + " ended " + s.state + code + (s.reason != null ? ": " + s.reason : "");
                if (s.exitCode > 0) return new Outcome(Kind.EXITED, s.exitCode, why);
                return new Outcome(Kind.FAILED, -1, why);
            }
            case "TIMEOUT":
            case "DEADLINE":
                return new Outcome(Kind.TIMED_OUT, -1, job + " reached its time limit (" + s.state + ")");
            case "CANCELLED":
            case "REVOKED": {
                String why;
                if ("DependencyNeverSatisfied".equals(s.reason)) {
                    why = job + " cancelled by Slurm: its dependency can never be satisfied";
                } else if (cancelRequested) {
                    why = "cancelled (scancel " + s.jobId + ")";
                } else {
                    why = job + " cancelled outside Kumiki" + (s.reason != null ? ": " + s.reason : "");
                }
                return new Outcome(Kind.CANCELLED, -1, why);
            }
            case "PREEMPTED":
                return new Outcome(Kind.LOST, -1, job + " was preempted");
            default:
                return new Outcome(Kind.FAILED, -1, job + " ended in state " + s.state + code);
        }
    }

    static Outcome lost(String reason) {
        return new Outcome(Kind.LOST, -1, reason);
    }

    void report(TaskExecution e) {
        switch (kind) {
            case EXITED: e.exited(exitCode, reason); break;
            case FAILED: e.failed(reason); break;
            case TIMED_OUT: e.timedOut(reason); break;
            case CANCELLED: e.cancelled(reason); break;
            default: e.lost(reason); break;
        }
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.EXITED ? " " + exitCode : "") + (reason != null ? ": " + reason : "");
    }
}
