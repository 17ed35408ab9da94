package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * The workstation's logging, configured in code at start (no Joran XML parsing): the same file,
 * pattern and levels as the shipped logback.xml; -Dlogback.configurationFile still replaces it;
 * a bad level property is one line on stderr and the default.
 */
class LoggingConfigTest {

    static final String LINE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} \\[[^\\]]+\\] (TRACE|DEBUG|INFO |WARN |ERROR) \\S+ - .*";

    static Result run(Path dir, String... jvm) throws Exception {
        Path script = Files.writeString(dir.resolve("script.gogo"), "kumiki:status\n");
        List<String> cmd = new java.util.ArrayList<>(List.of(DistributionSmokeTest.JAVA));
        cmd.addAll(List.of(jvm));
        cmd.addAll(List.of("-Dkumiki.script=" + script, "-Dgosh.args=--nointeractive", "-jar", DistributionSmokeTest.WORKSTATION.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("distribution did not exit");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("stdout.txt")), Files.readString(dir.resolve("stderr.txt")));
    }

    @Test
    void theShippedConfigurationWritesTheLogFileAndABadLevelIsOneLine(@TempDir Path dir) throws Exception {
        Result r = run(dir, "-Dkumiki.log.level=LOUD");
        assertEquals(0, r.exit(), r.err());
        List<String> said = r.err().lines().filter(l -> l.startsWith("kumiki-logging:")).toList();
        assertEquals(List.of("kumiki-logging: kumiki.log.level='LOUD' is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL); using INFO"), said);
        List<String> log = Files.readAllLines(dir.resolve("log/kumiki.log"));
        assertFalse(log.isEmpty());
        assertTrue(log.stream().allMatch(l -> l.matches(LINE) || l.startsWith("\t") || !l.matches("\\d{4}-.*")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches(LINE.replace("(TRACE|DEBUG|INFO |WARN |ERROR)", "INFO "))), "INFO lines: " + log);
        assertTrue(log.stream().noneMatch(l -> l.matches(LINE.replace("(TRACE|DEBUG|INFO |WARN |ERROR)", "DEBUG"))), "no DEBUG: " + log);
        // the console shows WARN and above only
        assertTrue(r.err().lines().noneMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|DEBUG) .*")), r.err());
    }

    @Test
    void logbackConfigurationFileStillReplacesIt(@TempDir Path dir) throws Exception {
        Path xml = Files.writeString(dir.resolve("custom.xml"), """
                <configuration>
                  <appender name="F" class="ch.qos.logback.core.FileAppender">
                    <file>custom/out.log</file>
                    <encoder><pattern>CUSTOM %level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="F"/></root>
                </configuration>
                """);
        Result r = run(dir, "-Dlogback.configurationFile=" + xml);
        assertEquals(0, r.exit(), r.err());
        List<String> custom = Files.readAllLines(dir.resolve("custom/out.log"));
        assertTrue(custom.stream().anyMatch(l -> l.startsWith("CUSTOM DEBUG ")), "DEBUG lines in the custom file: " + custom.size());
        assertTrue(custom.stream().anyMatch(l -> l.startsWith("CUSTOM INFO org.kumiki.")), "INFO lines in the custom file");
        assertFalse(Files.exists(dir.resolve("log/kumiki.log")), "the shipped file appender is not configured");
    }
}
