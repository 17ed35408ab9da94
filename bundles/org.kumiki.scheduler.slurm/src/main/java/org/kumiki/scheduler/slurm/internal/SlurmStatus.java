package org.kumiki.scheduler.slurm.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What Slurm says about a job, parsed from squeue, sacct or scontrol. */
final class SlurmStatus {

    /** States in which the job has not ended (it may still be queued). */
    static final Set<String> ACTIVE = Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
            "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED",
            "RESV_DEL_HOLD", "POWER_UP_NODE", "UPDATE_DB");

    final String jobId;
    /** Upper-case base state, e.g. CANCELLED (sacct's "CANCELLED by 0" becomes CANCELLED). */
    final String state;
    /** Exit code and signal; -1 when unknown. */
    final int exitCode;
    final int signal;
    /** Slurm's reason (squeue %r, scontrol Reason=), or null. */
    final String reason;

    SlurmStatus(String jobId, String state, int exitCode, int signal, String reason) {
        this.jobId = jobId;
        this.state = normaliseState(state);
        this.exitCode = exitCode;
        this.signal = signal;
        this.reason = reason == null || reason.isBlank() || "None".equals(reason) || "(null)".equals(reason) ? null : reason;
    }

    boolean isActive() {
        return ACTIVE.contains(state);
    }

    /** Whether the job has been running on a node (so the task is RUNNING, not queued). */
    boolean hasStarted() {
        switch (state) {
            case "RUNNING": case "COMPLETING": case "SUSPENDED": case "STOPPED": case "SIGNALING": case "STAGE_OUT":
            case "COMPLETED": case "FAILED": case "TIMEOUT": case "OUT_OF_MEMORY": case "NODE_FAIL":
                return true;
            default:
                return false;
        }
    }

    static String normaliseState(String s) {
        if (s == null) return "UNKNOWN";
        String t = s.strip();
        int sp = t.indexOf(' ');
        if (sp >= 0) t = t.substring(0, sp);
        if (t.endsWith("+")) t = t.substring(0, t.length() - 1);
        return t.isEmpty() ? "UNKNOWN" : t.toUpperCase(Locale.ROOT);
    }

    /** {@code squeue -h -o '%i|%T|%r'}: one job per line. Lines that do not parse are ignored. */
    static Map<String, SlurmStatus> parseSqueue(String out) {
        Map<String, SlurmStatus> m = new LinkedHashMap<>();
        if (out == null) return m;
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 2 || f[0].isEmpty()) continue;
            m.put(f[0].strip(), new SlurmStatus(f[0].strip(), f[1], -1, -1, f.length > 2 ? f[2].strip() : null));
        }
        return m;
    }

    /**
     * {@code sacct -c -n -P -o JobID,State,ExitCode}: the last line of a job id wins (job ids
     * may repeat in the completion file after the controller's state was cleared). Job steps
     * ({@code 12.batch}) are ignored.
     */
    static Map<String, SlurmStatus> parseSacct(String out) {
        Map<String, SlurmStatus> m = new LinkedHashMap<>();
        if (out == null) return m;
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 3 || f[0].isEmpty() || f[0].contains(".")) continue;
            int[] ec = parseExitCode(f[2]);
            m.put(f[0].strip(), new SlurmStatus(f[0].strip(), f[1], ec[0], ec[1], f.length > 3 ? f[3] : null));
        }
        return m;
    }

    /** {@code scontrol show job -o ID}: one line of KEY=VALUE pairs; null when it has no JobState. */
    static SlurmStatus parseScontrol(String out) {
        if (out == null) return null;
        Map<String, String> kv = new LinkedHashMap<>();
        for (String tok : out.strip().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0 && !kv.containsKey(tok.substring(0, eq))) kv.put(tok.substring(0, eq), tok.substring(eq + 1));
        }
        String id = kv.get("JobId");
        String state = kv.get("JobState");
        if (id == null || state == null) return null;
        int[] ec = parseExitCode(kv.get("ExitCode"));
        return new SlurmStatus(id, state, ec[0], ec[1], kv.get("Reason"));
    }

    /**
     * {@code scontrol show job -o ARRAYJOB}: one line per element that has started (or
     * ended), keyed {@code ARRAYJOB_INDEX}, with Slurm's own id of the element in
     * {@code rawIds}; lines with an index range ({@code 5-199%64}, {@code 3,7-9}) are
     * elements that never started: still pending (added to {@code pending}) or ended together
     * (a cancelled array: each gets the line's state).
     */
    static void parseArrayScontrol(String out, Map<String, SlurmStatus> into, Map<String, String> rawIds, Set<String> pending) {
        if (out == null) return;
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            Map<String, String> kv = new LinkedHashMap<>();
            for (String tok : line.strip().split("\\s+")) {
                int eq = tok.indexOf('=');
                if (eq > 0 && !kv.containsKey(tok.substring(0, eq))) kv.put(tok.substring(0, eq), tok.substring(eq + 1));
            }
            String array = kv.get("ArrayJobId");
            String index = kv.get("ArrayTaskId");
            String state = kv.get("JobState");
            if (array == null || index == null || state == null) continue;
            if (index.matches("[0-9]+")) {
                String id = array + "_" + index;
                int[] ec = parseExitCode(kv.get("ExitCode"));
                into.put(id, new SlurmStatus(id, state, ec[0], ec[1], kv.get("Reason")));
                if (kv.get("JobId") != null) rawIds.put(id, kv.get("JobId"));
                continue;
            }
            String ranges = index.replaceAll("%.*$", "");
            for (String r : ranges.split(",")) {
                String[] ab = r.split("-");
                try {
                    int a = Integer.parseInt(ab[0].strip());
                    int b = ab.length > 1 ? Integer.parseInt(ab[1].strip().replaceAll(":.*$", "")) : a;
                    SlurmStatus all = new SlurmStatus(array, state, -1, -1, kv.get("Reason"));
                    int[] ec = parseExitCode(kv.get("ExitCode"));
                    for (int i = a; i <= b && i - a < 1_000_000; i++) {
                        // elements that never started: still pending, or all ended at once (cancelled)
                        if (all.isActive()) pending.add(array + "_" + i);
                        else into.put(array + "_" + i, new SlurmStatus(array + "_" + i, state, ec[0], ec[1], kv.get("Reason")));
                    }
                } catch (NumberFormatException e) {
                    // not a range we know
                }
            }
        }
    }

    /** {@code N:S} to {N, S}; {-1, -1} when it does not parse. */
    static int[] parseExitCode(String s) {
        if (s == null) return new int[] {-1, -1};
        String[] f = s.strip().split(":");
        try {
            int code = Integer.parseInt(f[0]);
            int sig = f.length > 1 ? Integer.parseInt(f[1]) : 0;
            return new int[] {code, sig};
        } catch (NumberFormatException e) {
            return new int[] {-1, -1};
        }
    }

    @Override
    public String toString() {
        return jobId + " " + state + (exitCode >= 0 ? " " + exitCode + ":" + signal : "") + (reason != null ? " (" + reason + ")" : "");
    }
}
