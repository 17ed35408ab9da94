package org.kumiki.data.sftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.internal.FileEndpoint;
import org.kumiki.data.internal.TransferServiceImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** The sftp endpoint against a real OpenSSH sshd, alone and under the real transfer engine. */
class SftpEndpointTest {

    static final long CHUNK = 256 << 10;

    @TempDir
    Path tmp;
    SshdEnv env;
    SftpEndpoint sftp;
    TransferServiceImpl svc;
    Path remote;

    @BeforeEach
    void setUp() throws Exception {
        env = SshdEnv.require();
        sftp = new SftpEndpoint(List.of(env.key), null, env.knownHosts, true, "", Duration.ofSeconds(30), 8);
        remote = env.home.resolve("t-" + UUID.randomUUID());
        sftp.mkdirs(URI.create(env.uri(remote.toString())));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (svc != null) svc.close();
        if (sftp != null) sftp.close();
        if (remote != null && Files.exists(remote)) {
            try (Stream<Path> w = Files.walk(remote)) {
                for (Path p : (Iterable<Path>) w.sorted((a, b) -> b.compareTo(a))::iterator) Files.deleteIfExists(p);
            }
        }
    }

    TransferServiceImpl engine() throws IOException {
        if (svc == null) {
            JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
            TransferServiceImpl.Settings s = new TransferServiceImpl.Settings();
            s.chunkSize = CHUNK;
            s.retryDelayMs = 50;
            svc = TransferServiceImpl.open(journals, tmp.resolve("state"), s);
            svc.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
            svc.addEndpoint(sftp, Map.of(Endpoint.SCHEME, "sftp"));
        }
        return svc;
    }

    TransferTaskDTO run(String src, String dst, boolean recursive, long bw) throws Exception {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src, dst, recursive));
        r.bandwidthLimit = bw;
        TransferTaskDTO t = engine().submit(r);
        return engine().await(t.id).toCompletableFuture().get(180, TimeUnit.SECONDS);
    }

    static void random(Path p, int size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(p, b);
    }

    @Test
    void uploadsAndDownloadsTreesVerified() throws Exception {
        for (int i = 0; i < 40; i++) random(tmp.resolve("src/d" + (i % 3) + "/f" + i), 100 + i * 97, i);
        random(tmp.resolve("src/big"), (int) (5 * CHUNK + 333), 99);
        TransferTaskDTO up = run(tmp.resolve("src").toString(), env.uri(remote + "/up"), true, 0);
        assertEquals(TransferState.SUCCEEDED, up.state, String.valueOf(up.errors));
        assertEquals(41, up.filesDone);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("src/big")), Files.readAllBytes(remote.resolve("up/big")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("src/d1/f7")), Files.readAllBytes(remote.resolve("up/d1/f7")));
        assertEquals(Files.getLastModifiedTime(tmp.resolve("src/big")).toMillis() / 1000, Files.getLastModifiedTime(remote.resolve("up/big")).toMillis() / 1000);
        TransferTaskDTO down = run(env.uri(remote + "/up"), tmp.resolve("down").toString(), true, 0);
        assertEquals(TransferState.SUCCEEDED, down.state, String.valueOf(down.errors));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("src/big")), Files.readAllBytes(tmp.resolve("down/big")));
        List<EntryDTO> l = engine().list(URI.create(env.uri(remote + "/up")));
        assertEquals(List.of("big", "d0", "d1", "d2"), l.stream().map(e -> e.name).toList());
        assertNull(sftp.stat(URI.create(env.uri(remote + "/nothing"))));
    }

    @Test
    void passwordAuthentication() throws Exception {
        Path empty = tmp.resolve("no-key");
        Files.createDirectories(empty);
        SftpEndpoint pw = new SftpEndpoint(List.of(), env.passwordFile, env.knownHosts, true, "aes128-ctr", Duration.ofSeconds(30), 2);
        try {
            assertTrue(pw.stat(URI.create(env.uri(remote.toString()))).isDirectory());
        } finally {
            pw.close();
        }
        Path wrong = tmp.resolve("wrong");
        Files.writeString(wrong, "not-the-password");
        SftpEndpoint bad = new SftpEndpoint(List.of(), wrong, env.knownHosts, true, "", Duration.ofSeconds(30), 2);
        try {
            IOException e = assertThrows(IOException.class, () -> bad.stat(URI.create(env.uri(remote.toString()))));
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        } finally {
            bad.close();
        }
    }

    @Test
    void unknownOrChangedHostKeysAreRefused() throws Exception {
        Path none = tmp.resolve("known_hosts_empty");
        Files.writeString(none, "");
        Path other = tmp.resolve("known_hosts_other");
        // a valid but different ECDSA key for the same [host]:port
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", tmp.resolve("other").toString()).start();
        assertEquals(0, kg.waitFor());
        String pub = Files.readString(tmp.resolve("other.pub")).trim().split(" ")[0] + " " + Files.readString(tmp.resolve("other.pub")).trim().split(" ")[1];
        Files.writeString(other, "[" + env.host + "]:" + env.port + " " + pub + "\n");
        for (Path kh : new Path[] {none, other}) {
            SftpEndpoint e = new SftpEndpoint(List.of(env.key), null, kh, true, "", Duration.ofSeconds(30), 2);
            try {
                IOException x = assertThrows(IOException.class, () -> e.stat(URI.create(env.uri(remote.toString()))));
                assertTrue(x.getMessage().contains("cannot connect") || x.getMessage().contains("not trusted"), x.getMessage());
            } finally {
                e.close();
            }
        }
    }

    @Test
    void specialDestinationsAreRefusedAndLinksCopiedOrFollowed() throws Exception {
        random(tmp.resolve("a"), 1000, 1);
        Path fifo = remote.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        assertEquals(EntryDTO.FIFO, sftp.stat(URI.create(env.uri(fifo.toString()))).kind);
        assertEquals(EntryDTO.CHAR_DEVICE, sftp.stat(URI.create(env.uri("/dev/null"))).kind);
        for (String dst : new String[] {env.uri(fifo.toString()), env.uri("/dev/null")}) {
            TransferTaskDTO t = run(tmp.resolve("a").toString(), dst, false, 0);
            assertEquals(TransferState.FAILED, t.state, dst);
            assertTrue(t.errors.get(0).message.contains("refused"), t.errors.get(0).message);
            assertEquals(1, t.errors.get(0).attempts);
        }
        assertTrue(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(fifo));
        // links: copied as links to the server, then followed back with a loop refused
        random(tmp.resolve("src/real"), 500, 2);
        random(tmp.resolve("src/sub/inner"), 700, 3);
        Files.createSymbolicLink(tmp.resolve("src/link"), Path.of("real"));
        Files.createSymbolicLink(tmp.resolve("src/sub/up"), Path.of(".."));
        TransferRequest up = new TransferRequest();
        up.items.add(TransferItem.of(tmp.resolve("src").toString(), env.uri(remote + "/up"), true));
        up.links = "copy";
        TransferTaskDTO u = engine().await(engine().submit(up).id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(TransferState.SUCCEEDED, u.state, String.valueOf(u.errors));
        assertEquals(Path.of("real"), Files.readSymbolicLink(remote.resolve("up/link")));
        assertEquals(Path.of(".."), Files.readSymbolicLink(remote.resolve("up/sub/up")));
        assertEquals(EntryDTO.SYMLINK, sftp.list(URI.create(env.uri(remote + "/up"))).stream().filter(e -> e.name.equals("link")).findFirst().orElseThrow().kind);
        TransferRequest down = new TransferRequest();
        down.items.add(TransferItem.of(env.uri(remote + "/up"), tmp.resolve("down").toString(), true));
        down.links = "follow";
        TransferTaskDTO d = engine().await(engine().submit(down).id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(TransferState.FAILED, d.state);
        assertEquals(1, d.errors.size(), String.valueOf(d.errors));
        assertTrue(d.errors.get(0).message.contains("loop"), d.errors.get(0).message);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("src/real")), Files.readAllBytes(tmp.resolve("down/link")));
        assertFalse(Files.isSymbolicLink(tmp.resolve("down/link")));
    }

    @Test
    void permissionDeniedIsReportedNotRetried() throws Exception {
        random(tmp.resolve("a"), 1000, 1);
        TransferTaskDTO t = run(tmp.resolve("a").toString(), env.uri("/etc/kumiki-should-not-exist"), false, 0);
        assertEquals(TransferState.FAILED, t.state);
        assertTrue(t.errors.get(0).message.contains("permission denied"), t.errors.get(0).message);
        assertEquals(1, t.errors.get(0).attempts);
        assertFalse(Files.exists(Path.of("/etc/kumiki-should-not-exist")));
    }

    @Test
    void connectionCutMidChunkIsResumed() throws Exception {
        if (env.masterPid <= 0) throw new IllegalStateException("sshd pid file missing");
        random(tmp.resolve("big"), (int) (8 * CHUNK), 5);
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(tmp.resolve("big").toString(), env.uri(remote + "/big"), false));
        r.bandwidthLimit = 4 * CHUNK;
        r.parallelStreams = 1;
        TransferTaskDTO t = engine().submit(r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine().task(t.id).get().bytesTransferred < CHUNK / 2 && System.nanoTime() < deadline) Thread.sleep(10);
        // cut every connection: kill the per-connection sshd processes (children of the listener)
        List<ProcessHandle> kids = ProcessHandle.of(env.masterPid).orElseThrow().descendants().toList();
        assertFalse(kids.isEmpty(), "no sshd session processes");
        for (ProcessHandle k : kids) k.destroyForcibly();
        TransferTaskDTO end = engine().await(t.id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(TransferState.SUCCEEDED, end.state, String.valueOf(end.errors));
        assertTrue(end.chunksResent >= 1, "resent " + end.chunksResent);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("big")), Files.readAllBytes(remote.resolve("big")));
    }
}
