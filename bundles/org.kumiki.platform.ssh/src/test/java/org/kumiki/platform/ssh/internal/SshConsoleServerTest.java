package org.kumiki.platform.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.gogo.shell.Posix;
import org.apache.felix.gogo.shell.Procedural;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.access.Role;

/**
 * The SSH console against OpenSSH's real {@code ssh} client, with a real Gogo runtime: keys,
 * refused authentication methods, roles per command (also inside pipes, closures and each),
 * one-command exit status, Ctrl-C of a waiting command, and the host key kept across restarts.
 */
class SshConsoleServerTest {

    @TempDir
    static Path dir;
    static ThreadIOImpl threadIO;
    static CommandProcessorImpl processor;
    static TestAccessControl access;
    static FakeSched sched;
    static SshConsoleServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        for (String k : List.of("viewer", "operator", "stranger")) {
            keygen(k, "ecdsa");
        }
        access = new TestAccessControl();
        access.add(dir.resolve("viewer.pub"), "alice", Role.VIEWER);
        access.add(dir.resolve("operator.pub"), "bob", Role.OPERATOR);
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        sched = new FakeSched();
        for (String f : List.of("list", "submit", "fail", "await")) {
            processor.addCommand("sched", sched, f);
        }
        Procedural procedural = new Procedural();
        for (String f : List.of("each", "if", "not")) {
            processor.addCommand("gogo", procedural, f);
        }
        Posix posix = new Posix();
        for (String f : List.of("cat", "echo", "grep")) {
            processor.addCommand("gogo", posix, f);
        }
        server = newServer(0);
        port = server.start();
    }

    static SshConsoleServer newServer(int p) {
        return new SshConsoleServer(processor, access, "127.0.0.1", p, dir.resolve("state/ssh/hostkey"),
                Duration.ofMinutes(5), 8);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        threadIO.stop();
    }

    static void keygen(String name, String type) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f",
                dir.resolve(name).toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    record Result(int status, String out, String err) {
    }

    static List<String> ssh(String key, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", String.valueOf(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30"));
        if (key != null) {
            cmd.addAll(List.of("-i", dir.resolve(key).toString()));
        }
        cmd.addAll(List.of(extra));
        return cmd;
    }

    static Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ssh did not finish: " + cmd);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Result one(String key, String command) throws Exception {
        return run(ssh(key, "-o", "BatchMode=yes", "kumiki@127.0.0.1", command));
    }

    @Test
    void operatorKeyRunsOneCommandWithExitStatusZero() throws Exception {
        Result r = one("operator", "sched:list");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("task-1 DONE"), r.out());
    }

    @Test
    void failingCommandGivesNonZeroExitAndOneLine() throws Exception {
        Result r = one("operator", "sched:fail");
        assertEquals(1, r.status(), r.out());
        assertEquals("error: boom: no such task", r.err().strip());
    }

    @Test
    void unknownCommandGivesNonZeroExit() throws Exception {
        Result r = one("operator", "sched:nosuch");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error: "), r.err());
    }

    @Test
    void passwordAndKeyboardInteractiveAreRefused() throws Exception {
        Path marker = dir.resolve("askpass-called");
        Path askpass = dir.resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\ntouch " + marker + "\necho secret\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        List<String> cmd = new ArrayList<>(List.of("setsid", "-w", "env", "SSH_ASKPASS=" + askpass,
                "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0"));
        cmd.addAll(ssh(null, "-o", "BatchMode=no", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1",
                "kumiki@127.0.0.1", "sched:list"));
        Result r = run(cmd);
        assertEquals(255, r.status(), r.out());
        assertTrue(r.err().contains("Permission denied (publickey)"), r.err());
        assertFalse(Files.exists(marker), "the server offered a password prompt");
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        Result r = one("stranger", "sched:list");
        assertEquals(255, r.status());
        assertTrue(r.err().contains("Permission denied"), r.err());
        assertFalse(r.out().contains("task-1"));
    }

    @Test
    void viewerMayListButNotSubmit() throws Exception {
        int before = sched.submitted.get();
        assertEquals(0, one("viewer", "sched:list").status());
        Result r = one("viewer", "sched:submit job");
        assertEquals(1, r.status());
        assertEquals("error: sched:submit needs the operator role; alice is viewer", r.err().strip());
        assertEquals(before, sched.submitted.get());
    }

    @Test
    void viewerIsRefusedInsidePipesClosuresEachAndBareNames() throws Exception {
        int before = sched.submitted.get();
        for (String line : List.of("each [a b] { sched:submit $it }", "sched:list | sched:submit x",
                "echo (sched:submit y)", "f = { sched:submit z } ; f", "submit bare", "if { true } { sched:submit w }",
                "cat /etc/hostname", "grep root /etc/passwd", "$.context bundles", "(\"x\" getClass) getMethods")) {
            Result r = one("viewer", line);
            assertNotEquals(0, r.status(), line + " -> " + r.out());
            assertTrue(r.err().startsWith("error: "), line + " -> " + r.err());
        }
        assertEquals(before, sched.submitted.get());
        Result ok = one("viewer", "sched:list | grep task");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().contains("task-1"));
    }

    @Test
    void operatorMaySubmitAlsoInsideEach() throws Exception {
        int before = sched.submitted.get();
        Result r = one("operator", "each [a b] { sched:submit $it }");
        assertEquals(0, r.status(), r.err());
        assertEquals(before + 2, sched.submitted.get());
    }

    @Test
    void ctrlCInterruptsAWaitingCommand() throws Exception {
        sched.waiting = new java.util.concurrent.CountDownLatch(1);
        sched.interrupted = new java.util.concurrent.CountDownLatch(1);
        ProcessBuilder pb = new ProcessBuilder(ssh("operator", "-tt", "kumiki@127.0.0.1"));
        Path out = dir.resolve("tty-out.txt");
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            // a Ctrl-C typed right after the line may reach the line reader before the command
            // starts: it must not break the session; Ctrl-C again until the command is interrupted
            in.write("sched:await\r\u0003".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(sched.waiting.await(120, TimeUnit.SECONDS), "the command did not start: " + Files.readString(out));
            for (int i = 0; i < 120 && !sched.interrupted.await(1, TimeUnit.SECONDS); i++) {
                in.write(3); // Ctrl-C
                in.flush();
            }
            assertEquals(0, sched.interrupted.getCount(), "Ctrl-C did not interrupt the command");
            in.write("sched:list\r".getBytes(StandardCharsets.UTF_8));
            in.write("exit\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        assertTrue(text.contains("interrupted"), text);
        assertTrue(text.contains("task-1 DONE"), "the session goes on after Ctrl-C: " + text);
    }

    @Test
    void hostKeyIsGeneratedOnceOwnerOnlyAndKeptAcrossRestarts() throws Exception {
        Path key = dir.resolve("state/ssh/hostkey");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String before = scan();
        byte[] bytes = Files.readAllBytes(key);
        server.stop();
        server = newServer(port);
        assertEquals(port, server.start());
        assertEquals(before, scan());
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(key)));
    }

    static String scan() throws Exception {
        Result r = run(List.of("ssh-keyscan", "-t", "ecdsa", "-p", String.valueOf(port), "127.0.0.1"));
        String line = r.out().lines().filter(l -> !l.startsWith("#")).findFirst().orElse("");
        assertTrue(line.contains("ecdsa-sha2-nistp256"), r.out() + r.err());
        return line;
    }

    @Test
    void rsaKeysWorkAndEd25519IsRefusedCleanlyWithoutAnEdDsaProvider() throws Exception {
        keygen("rsa", "rsa");
        access.add(dir.resolve("rsa.pub"), "carol", Role.OPERATOR);
        Result r = one("rsa", "sched:list");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("task-1"));
        // no net.i2p eddsa nor BouncyCastle >= 1.86 here: SSHD cannot read ed25519 keys, the
        // client is refused like any unknown key and the server goes on
        keygen("ed", "ed25519");
        Result ed = one("ed", "sched:list");
        assertEquals(255, ed.status());
        assertTrue(ed.err().contains("Permission denied"), ed.err());
        assertEquals(0, one("operator", "sched:list").status());
    }

    @Test
    void portInUseIsABindException() throws IOException {
        SshConsoleServer second = newServer(port);
        assertThrows(BindException.class, second::start);
        second.stop();
    }
}
