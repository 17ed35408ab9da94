package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kumiki.distribution.test.DistributionSmokeTest.JAVA;
import static org.kumiki.distribution.test.DistributionSmokeTest.WORKSTATION;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workstation jar's SSH console against OpenSSH's {@code ssh} client: keys from
 * state/access/authorized_keys with their roles, every domain's commands remotely, a viewer
 * refused {@code sched:submit}, one-command exit status, Ctrl-C of {@code sched:wait} on a long
 * task, and a port in use as one WARN line while the container runs on.
 */
class SshConsoleDistributionTest {

    record Ssh(int status, String out, String err) {
    }

    @Test
    void remoteGogoWithRolesCtrlCAndExitStatus(@TempDir Path dir) throws Exception {
        int port = freePort();
        keygen(dir, "viewer");
        keygen(dir, "operator");
        Path access = Files.createDirectories(dir.resolve("state/access"));
        Files.writeString(access.resolve("authorized_keys"),
                "role=viewer " + Files.readString(dir.resolve("viewer.pub"))
                        + "role=operator " + Files.readString(dir.resolve("operator.pub")));
        Files.setPosixFilePermissions(access.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/org.kumiki.platform.ssh.cfg"), "port=" + port + "\n");
        Process kumiki = start(dir);
        try {
            awaitConsole(dir, port, "operator");
            Ssh help = ssh(dir, port, "operator", "help");
            assertEquals(0, help.status(), help.err());
            for (String scope : List.of("kumiki:", "sched:submit", "data:", "infer:", "sim:", "lab:", "q:", "campaign:")) {
                assertTrue(help.out().contains(scope), scope + " missing from help:\n" + help.out());
            }
            for (String cmd : List.of("kumiki:status", "sched:list", "data:endpoints", "infer:models", "sim:engines",
                    "lab:devices", "q:backends", "campaign:list")) {
                Ssh r = ssh(dir, port, "viewer", cmd);
                assertEquals(0, r.status(), cmd + ": " + r.err());
            }
            Ssh refused = ssh(dir, port, "viewer", "sched:submit -n nope -c 1 -t 1m -- true");
            assertNotEquals(0, refused.status());
            // one error line (a log line made on the command's thread may come along: Gogo's
            // ThreadIO routes System.out/err of that thread, and so the console appender, to the session)
            assertEquals(1, refused.err().lines().filter(l -> l.startsWith("error: ")).count(), refused.err());
            assertTrue(refused.err().contains("sched:submit"), refused.err());
            assertFalse(ssh(dir, port, "viewer", "sched:list").out().contains("nope"));
            Ssh bad = ssh(dir, port, "operator", "sched:show no-such-task");
            assertNotEquals(0, bad.status());
            Ssh submitted = ssh(dir, port, "operator", "sched:submit -n long -c 1 -t 10m -- sleep 600");
            assertEquals(0, submitted.status(), submitted.err());
            Matcher id = Pattern.compile("task-\\d+").matcher(submitted.out());
            assertTrue(id.find(), submitted.out());
            ctrlC(dir, port, "sched:wait " + id.group());
            ssh(dir, port, "operator", "sched:cancel " + id.group());
        } finally {
            kumiki.destroy();
            assertTrue(kumiki.waitFor(60, TimeUnit.SECONDS), "did not stop on SIGTERM");
        }
    }

    @Test
    void aPortInUseIsOneWarnLineAndTheContainerRunsOn(@TempDir Path dir) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            Files.createDirectories(dir.resolve("deploy"));
            Files.writeString(dir.resolve("deploy/org.kumiki.platform.ssh.cfg"), "port=" + port + "\n");
            ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString())
                    .directory(dir.toFile()).redirectErrorStream(true);
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = DistributionSmokeTest.pump(p.getInputStream(), out);
            String line = "127.0.0.1:" + port + " is in use; set org.kumiki.platform.ssh port to move it";
            try {
                DistributionSmokeTest.awaitText(out, line, 120);
                assertTrue(p.isAlive(), "the container stopped");
            } finally {
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                reader.join(2000);
            }
            String console = out.toString(StandardCharsets.UTF_8);
            assertEquals(1, console.split(Pattern.quote(line), -1).length - 1, console);
            assertFalse(console.contains("\tat "), console);
            assertFalse(console.contains("BindException"), console);
        }
    }

    static Process start(Path dir) throws Exception {
        assertTrue(Files.isRegularFile(WORKSTATION), WORKSTATION + " not built");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("kumiki.out").toFile());
        return pb.start();
    }

    static void awaitConsole(Path dir, int port, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Ssh last = null;
        while (System.nanoTime() < deadline) {
            last = ssh(dir, port, key, "echo ok");
            if (last.status() == 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("SSH console did not answer: " + last + "\n" + Files.readString(dir.resolve("kumiki.out")));
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void keygen(Path dir, String name) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", name, "-f",
                dir.resolve(name).toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    static List<String> sshArgs(Path dir, int port, String key, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", String.valueOf(port), "-i", dir.resolve(key).toString(),
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    static Ssh ssh(Path dir, int port, String key, String command) throws Exception {
        List<String> cmd = sshArgs(dir, port, key, "-o", "BatchMode=yes", "kumiki@127.0.0.1", command);
        Path out = Files.createTempFile(dir, "ssh", ".out");
        Path err = Files.createTempFile(dir, "ssh", ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ssh did not finish: " + command);
        return new Ssh(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** ssh -tt, runs a waiting command, sends Ctrl-C, and checks the session goes on. */
    static void ctrlC(Path dir, int port, String waiting) throws Exception {
        Path out = dir.resolve("tty.out");
        Process p = new ProcessBuilder(sshArgs(dir, port, "operator", "-tt", "kumiki@127.0.0.1"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            awaitFile(out, "g! ");
            in.write((waiting + "\r").getBytes(StandardCharsets.UTF_8));
            in.flush();
            // Ctrl-C until the wait says it was interrupted: a Ctrl-C that arrives before the
            // command has started only clears nothing, so resending is harmless
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(out).contains("interrupted")) {
                assertTrue(System.nanoTime() < deadline, "Ctrl-C did not interrupt: " + Files.readString(out));
                in.write(3);
                in.flush();
                Thread.sleep(1000);
            }
            in.write("echo still-here\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitFile(out, "still-here\r\n");
            in.write("exit\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), Files.readString(out));
            assertEquals(0, p.exitValue(), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }

    static void awaitFile(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("did not see '" + text + "': " + Files.readString(file));
    }
}
