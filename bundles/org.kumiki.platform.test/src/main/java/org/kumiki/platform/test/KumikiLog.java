package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;

/** The kumiki.log of the test run (kumiki.log.dir), read back by tests that check log lines. */
final class KumikiLog {

    private static final DateTimeFormatter ISO8601 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private final Path file;

    KumikiLog(BundleContext context) {
        this.file = Path.of(context.getProperty("kumiki.log.dir"), "kumiki.log");
    }

    Path file() {
        return file;
    }

    List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String text() {
        return String.join("\n", lines());
    }

    /** Lines written since this JVM started (the log folder outlives test runs). */
    List<String> linesOfThisRun() {
        LocalDateTime start = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime() - 1000), ZoneId.systemDefault());
        return lines().stream().filter(l -> {
            try {
                return l.length() >= 23 && !LocalDateTime.parse(l.substring(0, 23), ISO8601).isBefore(start);
            } catch (RuntimeException e) {
                return false;
            }
        }).toList();
    }

    /** Waits (up to 30 s: the machine may be loaded) for a line that matches. */
    String await(String what, Predicate<String> line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<String> l = lines().stream().filter(line).findFirst();
            if (l.isPresent()) return l.get();
            Thread.sleep(50);
        }
        fail("no log line in " + file + " for: " + what);
        return null;
    }
}
