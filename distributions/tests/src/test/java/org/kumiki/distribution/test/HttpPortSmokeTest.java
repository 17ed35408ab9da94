package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kumiki.distribution.test.DistributionSmokeTest.JAVA;
import static org.kumiki.distribution.test.DistributionSmokeTest.WORKSTATION;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * The workstation jar with its HTTP port held by another process: kumiki:status says the HTTP
 * service is DOWN naming org.osgi.service.http.port, the log says so in one line, and neither
 * the console nor log/kumiki.log holds Felix Jetty's bind stack trace or its NullPointerException.
 */
class HttpPortSmokeTest {

    private static final String PORT = "org.osgi.service.http.port";

    @Test
    void aPortInUseIsOneLineNamingThePropertyAndTheStatusShowsHttpDown(@TempDir Path dir) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            Result r = script(dir, port, "kumiki:status\n");
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("HTTP service: DOWN on 127.0.0.1:" + port), r.out());
            assertTrue(r.out().matches("(?s).*HTTP service: DOWN[^\n]*move it with " + Pattern.quote(PORT) + ".*"), r.out());
            assertNoJettyNoise(r.out() + r.err() + Files.readString(dir.resolve("log/kumiki.log")));
        }
    }

    @Test
    void aHeadlessContainerLogsTheOneClearLineOnTheConsoleAndInTheLog(@TempDir Path dir) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            String line = "HTTP server is down (no REST endpoint): 127.0.0.1:" + port + " is in use by another process; move it with " + PORT;
            ProcessBuilder pb = new ProcessBuilder(JAVA, "-D" + PORT + "=" + port, "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString())
                    .directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("PATH", "/usr/bin:/bin");
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = DistributionSmokeTest.pump(p.getInputStream(), out);
            try {
                DistributionSmokeTest.awaitText(out, line, 90);
            } finally {
                p.destroy();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
                reader.join(2000);
            }
            String console = out.toString(StandardCharsets.UTF_8);
            assertEquals(1, count(console, Pattern.quote(line)), console);
            String log = Files.readString(dir.resolve("log/kumiki.log"));
            assertEquals(1, count(log, Pattern.quote(line)), log);
            assertNoJettyNoise(console + log);
        }
    }

    @Test
    void aFreePortServesHttp(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Result r = script(dir, port, "kumiki:status\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("HTTP service: up at"), r.out());
        assertTrue(r.out().contains(":" + port), r.out());
        assertFalse(r.out().contains("HTTP service: DOWN"), r.out());
        assertNoJettyNoise(r.out() + r.err() + Files.readString(dir.resolve("log/kumiki.log")));
    }

    static Result script(Path dir, int port, String script) throws Exception {
        assertTrue(Files.isRegularFile(WORKSTATION), WORKSTATION + " not built: run the build to 'package' first");
        Path file = Files.writeString(dir.resolve("script.gogo"), script);
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-D" + PORT + "=" + port, "-Dkumiki.script=" + file,
                "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString()).directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("distribution did not exit; stdout:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static void assertNoJettyNoise(String text) {
        assertFalse(text.contains("\tat "), "a stack trace: " + text);
        assertFalse(text.contains("NullPointerException"), text);
        assertFalse(text.contains("Failed to bind"), text);
        assertFalse(text.contains("no connectors"), text);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
