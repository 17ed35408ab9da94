package org.kumiki.scheduler.command.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.kumiki.platform.text.Text;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;

/** Rendering helpers shared by the commands. */
final class Format {
    private Format() {}

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Binary-prefixed size; negative means unbounded. */
    static String bytes(long b) {
        return Text.bytes(b, "unbounded");
    }


    /** "used/total", with a negative total shown as "unbounded". */
    static String usage(long used, long total) {
        return used + "/" + (total < 0 ? "unbounded" : String.valueOf(total));
    }

    static String memoryUsage(long used, long total) {
        return bytes(Math.max(0, used)) + "/" + bytes(total);
    }

    /** Seconds as Slurm shows them: {@code MM:SS}, {@code H:MM:SS} or {@code D-HH:MM:SS}. */
    static String duration(long seconds) {
        if (seconds < 0) seconds = 0;
        long d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
        if (d > 0) return String.format(Locale.ROOT, "%d-%02d:%02d:%02d", d, h, m, s);
        if (h > 0) return String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s);
        return String.format(Locale.ROOT, "%02d:%02d", m, s);
    }

    /** Walltime of a spec: "unlimited" for 0. */
    static String walltime(long seconds) {
        return seconds <= 0 ? "unlimited" : duration(seconds);
    }

    /** Epoch millis as ISO-8601 UTC; "" for 0. */
    static String iso(long epochMs) {
        return epochMs <= 0 ? "" : ISO.format(Instant.ofEpochMilli(epochMs));
    }

    /** "12s ago", "5m ago", "3h ago" within a day of now; ISO time otherwise; "" for 0. */
    static String when(long epochMs, long nowMs) {
        if (epochMs <= 0) return "";
        long ago = (nowMs - epochMs) / 1000;
        if (ago < 0 || ago >= 86400) return iso(epochMs);
        if (ago < 60) return ago + "s ago";
        if (ago < 3600) return ago / 60 + "m ago";
        return ago / 3600 + "h ago";
    }

    /** ISO time with the relative time in brackets, for {@code sched:show}. */
    static String whenLong(long epochMs, long nowMs) {
        if (epochMs <= 0) return "";
        String rel = when(epochMs, nowMs);
        String iso = iso(epochMs);
        return rel.equals(iso) ? iso : iso + " (" + rel + ")";
    }

    /** How long the task ran (or has been running); "" before it started. */
    static String runtime(TaskRecordDTO r, long nowMs) {
        if (r.startedAt <= 0) return "";
        long end = r.finishedAt > 0 ? r.finishedAt : nowMs;
        return duration(Math.max(0, end - r.startedAt) / 1000);
    }

    /** A command line with arguments quoted where a shell would need it. */
    static String commandLine(List<String> command) {
        if (command == null) return "";
        return command.stream().map(Format::shellQuote).collect(Collectors.joining(" "));
    }

    static String shellQuote(String arg) {
        if (arg == null) return "''";
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) return arg;
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    static String map(Map<String, String> m) {
        if (m == null || m.isEmpty()) return "";
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** Control characters (line breaks included) escaped, so a value stays on one line. */
    static String oneLine(String s) {
        return Text.oneLine(s);
    }


    static String orEmpty(Object o) {
        return o == null ? "" : o.toString();
    }
}
