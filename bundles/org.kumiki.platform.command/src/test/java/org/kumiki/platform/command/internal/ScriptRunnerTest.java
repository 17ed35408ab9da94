package org.kumiki.platform.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {

    /** As the framework's felix:stop. */
    public static final class Framework {
        final List<Long> stopped = new ArrayList<>();

        public void stop(long... ids) {
            for (long id : ids) stopped.add(id);
        }
    }

    /** A domain command named like a framework one, taking no arguments (as lab:stop did). */
    public static final class Domain {
        public String stop() {
            return "domain stop";
        }

        public String echo(String s) {
            return "[" + s + "]";
        }

        public String fail(String s) {
            throw new IllegalStateException("device says " + s);
        }
    }

    @TempDir
    Path dir;
    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    Framework framework = new Framework();
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void givenAProcessorWithAShadowingDomainCommand() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        // the domain's stop registered first and last: neither order may win over felix:stop
        processor.addCommand("lab", new Domain(), "stop");
        processor.addCommand("felix", framework, "stop");
        processor.addCommand("zlab", new Domain(), "stop");
        processor.addCommand("kumiki", new Domain(), "echo");
        processor.addCommand("kumiki", new Domain(), "fail");
    }

    @AfterEach
    void stop() {
        threadIO.stop();
    }

    int run(String script) throws Exception {
        Path f = dir.resolve("check.gogo");
        Files.write(f, script.getBytes(StandardCharsets.UTF_8));
        return ScriptRunner.run(processor, f, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void stopZeroIsTheFrameworksStopAndTheScriptSucceeds() throws Exception {
        assertEquals(0, run("# leave\nstop 0\n"), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(0L), framework.stopped);
    }

    @Test
    void nonAsciiTextPassesThroughAsUtf8() throws Exception {
        assertEquals(0, run("echo 'Ångström 試料 🧪'\n"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[Ångström 試料 🧪]"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theServersAreAwaitedOnceJustBeforeTheFirstLineThatShowsThem() throws Exception {
        List<String> events = new ArrayList<>();
        processor.addCommand("kumiki", new Object() {
            @SuppressWarnings("unused")
            public String status() {
                events.add("status");
                return "status";
            }
        }, "status");
        Path f = Files.writeString(dir.resolve("servers.gogo"), "echo one\nkumiki:status\necho 'http://127.0.0.1:8080/v2'\nstatus\n");
        int rc = ScriptRunner.run(processor, f, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> events.add("servers up (after " + out.toString(StandardCharsets.UTF_8).strip() + ")"));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("servers up (after [one])", "status", "status"), events);
    }

    @Test
    void aScriptThatNeverShowsTheServersNeverWaitsForThem() throws Exception {
        Path f = Files.writeString(dir.resolve("plain.gogo"), "echo one\n# lb and http in a comment\nstop 0\n");
        int rc = ScriptRunner.run(processor, f, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> { throw new AssertionError("waited for the servers"); });
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linesThatShowTheServersOrMentionHttp() {
        for (String l : List.of("kumiki:status", "status -d platform", "lb", "felix:lb -s", "frameworklevel",
                "data:transfer HTTP://127.0.0.1:8080/x file:///tmp/x")) {
            assertTrue(ScriptRunner.usesServers(l), l);
        }
        for (String l : List.of("kumiki:hardware", "campaign:run -w synthesis.yaml", "sim:run -w cells=5", "stop 0", "lbx")) {
            org.junit.jupiter.api.Assertions.assertFalse(ScriptRunner.usesServers(l), l);
        }
    }

    @Test
    void aFailingLineIsReportedOnOneHarmlessLine() throws Exception {
        assertEquals(1, run("fail 'x\u001b[2J'\n"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("kumiki-script: check.gogo:1: fail 'x\\u001b[2J': device says x\\u001b[2J"), e);
        assertTrue(e.indexOf('\u001b') < 0, e);
    }
}
