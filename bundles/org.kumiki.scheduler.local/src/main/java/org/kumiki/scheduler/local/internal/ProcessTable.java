package org.kumiki.scheduler.local.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What Linux's {@code /proc} tells about processes: start times (to tell a pid from its reuse)
 * and the environment marker every task process carries, which its descendants inherit even
 * after {@code setsid} or a double fork (as Jenkins' ProcessTreeKiller finds a build's
 * processes). Elsewhere (no {@code /proc}) every lookup answers empty.
 */
final class ProcessTable {
    /** Environment variable set on every task process: {@code <task folder>#<attempt>}. */
    static final String MARKER = "KUMIKI_TASK_MARKER";

    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {
    }

    static boolean available() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    /** The marker of one attempt of one task: its task folder (unique per installation and task) and the attempt. */
    static String marker(Path taskDirectory, int attempt) {
        return taskPrefix(taskDirectory) + attempt;
    }

    /** The part of the marker shared by every attempt of a task. */
    static String taskPrefix(Path taskDirectory) {
        return taskDirectory.toAbsolutePath().normalize() + "#";
    }

    /** Field 22 of {@code /proc/<pid>/stat}: start time in clock ticks after boot; empty when gone. */
    static Optional<Long> startTime(long pid) {
        String[] f = statFields(pid);
        if (f == null || f.length < 20) return Optional.empty();
        try {
            return Optional.of(Long.parseLong(f[19]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Alive and not a zombie (a zombie has ended; only its parent has not reaped it yet). */
    static boolean alive(ProcessHandle h) {
        if (!h.isAlive()) return false;
        String[] f = statFields(h.pid());
        return f == null ? h.isAlive() : !(f[0].equals("Z") || f[0].equals("X"));
    }

    /** Fields of /proc/pid/stat after the command name, so field 3 (state) is [0]. */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = s.lastIndexOf(')');
            return close < 0 ? null : s.substring(close + 1).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Every process (other than this JVM) whose environment has {@link #MARKER} with a value
     * the test accepts, with that value. Processes of other users, which cannot be read, are
     * not ours and are skipped.
     */
    static Map<ProcessHandle, String> marked(Predicate<String> value) {
        Map<ProcessHandle, String> out = new LinkedHashMap<>();
        if (!available()) return out;
        long self = ProcessHandle.current().pid();
        byte[] key = (MARKER + "=").getBytes(StandardCharsets.UTF_8);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path p : ds) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) continue;
                byte[] env;
                try {
                    env = Files.readAllBytes(p.resolve("environ"));
                } catch (IOException | RuntimeException e) {
                    continue; // gone, or not ours
                }
                String v = find(env, key);
                if (v == null || !value.test(v)) continue;
                ProcessHandle.of(pid).ifPresent(h -> out.put(h, v));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static boolean isPid(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** The value of {@code key} (which ends with '=') in a NUL-separated environment block. */
    static String find(byte[] env, byte[] key) {
        int i = 0;
        while (i < env.length) {
            int end = i;
            while (end < env.length && env[end] != 0) end++;
            if (end - i >= key.length && regionMatches(env, i, key)) {
                return new String(env, i + key.length, end - i - key.length, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return null;
    }

    private static boolean regionMatches(byte[] a, int off, byte[] b) {
        for (int k = 0; k < b.length; k++) {
            if (a[off + k] != b[k]) return false;
        }
        return true;
    }

    /**
     * Stops processes now: SIGTERM, up to {@code graceMs} for them to end, then SIGKILL and up
     * to five seconds more. Returns the pids still alive after that (normally none).
     */
    static List<Long> terminate(List<ProcessHandle> processes, long graceMs) {
        for (ProcessHandle h : processes) h.destroy();
        waitGone(processes, graceMs);
        for (ProcessHandle h : processes) {
            if (alive(h)) h.destroyForcibly();
        }
        waitGone(processes, 5000);
        List<Long> left = new ArrayList<>();
        for (ProcessHandle h : processes) {
            if (alive(h)) left.add(h.pid());
        }
        return left;
    }

    private static void waitGone(List<ProcessHandle> processes, long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (processes.stream().anyMatch(ProcessTable::alive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
