package org.kumiki.data.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.internal.FileEndpoint;
import org.kumiki.data.internal.TransferServiceImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** The http endpoint against a real nginx (scripts/services/nginx.sh), under the real engine. */
class HttpEndpointTest {

    static final long CHUNK = 256 << 10;

    @TempDir
    Path tmp;
    String base;
    Path root;
    Path dir;
    String url;
    TransferServiceImpl svc;
    final HttpEndpoint http = new HttpEndpoint(Duration.ofSeconds(10), Duration.ofSeconds(30));

    @BeforeEach
    void nginx() throws IOException {
        Path envFile = Path.of(System.getenv().getOrDefault("KUMIKI_NGINX_DIR", "/var/lib/kumiki-nginx"), "env");
        try {
            Map<String, String> m = new HashMap<>();
            for (String l : Files.readAllLines(envFile)) {
                int i = l.indexOf('=');
                if (i > 0) m.put(l.substring(0, i), l.substring(i + 1));
            }
            base = m.get("KUMIKI_NGINX_URL");
            root = Path.of(m.get("KUMIKI_NGINX_ROOT"));
            URI u = URI.create(base);
            new Socket(u.getHost(), u.getPort()).close();
        } catch (IOException | RuntimeException e) {
            String msg = "no test nginx (scripts/services/nginx.sh start): " + e;
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_NGINX"))) fail(msg + " and KUMIKI_REQUIRE_NGINX=1");
            Assumptions.abort(msg);
        }
        String name = "t-" + UUID.randomUUID();
        dir = Files.createDirectories(root.resolve(name));
        url = base + "/" + name;
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (svc != null) svc.close();
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    TransferServiceImpl engine() throws IOException {
        if (svc == null) {
            JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
            TransferServiceImpl.Settings s = new TransferServiceImpl.Settings();
            s.chunkSize = CHUNK;
            s.retryDelayMs = 20;
            svc = TransferServiceImpl.open(journals, tmp.resolve("state"), s);
            svc.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
            svc.addEndpoint(http, Map.of(Endpoint.SCHEME, new String[] {"http", "https"}));
        }
        return svc;
    }

    static byte[] random(Path p, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(p, b);
        return b;
    }

    TransferTaskDTO run(TransferRequest r) throws Exception {
        TransferTaskDTO t = engine().submit(r);
        return engine().await(t.id).toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static TransferRequest req(String src, String dst) {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src, dst, false));
        return r;
    }

    @Test
    void downloadsInRangedVerifiedChunks() throws Exception {
        byte[] big = random(dir.resolve("big.bin"), (int) (6 * CHUNK + 77), 1);
        byte[] small = random(dir.resolve("small.bin"), 1000, 2);
        EntryDTO e = http.stat(URI.create(url + "/big.bin"));
        assertEquals(big.length, e.size);
        assertNotNull(e.version);
        assertTrue(e.version.startsWith("\""), e.version);
        assertTrue(e.modified > 0);
        assertNull(http.stat(URI.create(url + "/missing")));
        TransferRequest r = req(url + "/big.bin", tmp.resolve("out/big.bin").toString());
        r.items.add(TransferItem.of(url + "/small.bin", tmp.resolve("out/small.bin").toString(), false));
        TransferTaskDTO t = run(r);
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertArrayEquals(big, Files.readAllBytes(tmp.resolve("out/big.bin")));
        assertArrayEquals(small, Files.readAllBytes(tmp.resolve("out/small.bin")));
        assertEquals(e.modified / 1000, Files.getLastModifiedTime(tmp.resolve("out/big.bin")).toMillis() / 1000);
        // nginx logged ranged requests: one per chunk (plus read-backs that are local)
        String log = Files.readString(root.getParent().resolve("logs/access.log"));
        assertTrue(log.contains(" 206 "), "ranged requests were made");
    }

    @Test
    void missingForbiddenAndReadOnly() throws Exception {
        TransferTaskDTO t = run(req(url + "/nothing.bin", tmp.resolve("x").toString()));
        assertEquals(TransferState.FAILED, t.state);
        assertTrue(t.errors.get(0).message.contains("no such file"), t.errors.get(0).message);
        Files.createDirectories(root.resolve("private"));
        Files.write(root.resolve("private/secret.bin"), new byte[10]);
        TransferTaskDTO f = run(req(base + "/private/secret.bin", tmp.resolve("y").toString()));
        assertEquals(TransferState.FAILED, f.state);
        assertTrue(f.errors.get(0).message.contains("permission denied"), f.errors.get(0).message);
        assertThrows(TransferRejectedException.class, () -> engine().submit(req(tmp.resolve("x").toString(), url + "/upload")));
        assertThrows(TransferRejectedException.class, () -> engine().submit(req(url + "/../etc/passwd", tmp.resolve("z").toString())));
        assertThrows(IOException.class, () -> http.list(URI.create(url + "/")));
    }

    @Test
    void sourceChangedDuringDownloadIsDetected() throws Exception {
        random(dir.resolve("moving.bin"), (int) (8 * CHUNK), 3);
        TransferRequest r = req(url + "/moving.bin", tmp.resolve("out/moving.bin").toString());
        r.bandwidthLimit = 4 * CHUNK;
        r.parallelStreams = 1;
        TransferTaskDTO t = engine().submit(r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine().task(t.id).get().bytesTransferred == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        // a new version of the same size (new mtime: new ETag)
        Files.setLastModifiedTime(dir.resolve("moving.bin"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        TransferTaskDTO end = engine().await(t.id).toCompletableFuture().get(120, TimeUnit.SECONDS);
        assertEquals(TransferState.FAILED, end.state);
        assertTrue(end.errors.get(0).message.contains("changed"), end.errors.get(0).message);
        assertFalse(Files.exists(tmp.resolve("out/moving.bin")));
    }

    @Test
    void connectionCutMidChunkIsRetried() throws Exception {
        byte[] big = random(dir.resolve("cut.bin"), (int) (4 * CHUNK), 4);
        URI target = URI.create(base);
        AtomicInteger cutsLeft = new AtomicInteger(2);
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread proxy = new Thread(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket c = ss.accept();
                        boolean cut = cutsLeft.getAndDecrement() > 0;
                        Socket s = new Socket(target.getHost(), target.getPort());
                        pipe(c.getInputStream(), s.getOutputStream(), -1, c, s);
                        pipe(s.getInputStream(), c.getOutputStream(), cut ? CHUNK / 2 : -1, c, s);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            proxy.setDaemon(true);
            proxy.start();
            String via = "http://127.0.0.1:" + ss.getLocalPort() + url.substring(base.length());
            TransferRequest r = req(via + "/cut.bin", tmp.resolve("out/cut.bin").toString());
            r.parallelStreams = 1;
            TransferTaskDTO t = run(r);
            assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
            assertTrue(t.chunksResent >= 1, "resent " + t.chunksResent);
            assertArrayEquals(big, Files.readAllBytes(tmp.resolve("out/cut.bin")));
        }
    }

    /** Copies in to out on a thread; after {@code limit} bytes (if >= 0) closes both sockets. */
    static void pipe(InputStream in, OutputStream out, long limit, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            long n = 0;
            try {
                int r;
                while ((r = in.read(buf)) > 0) {
                    if (limit >= 0 && n + r > limit) {
                        out.write(buf, 0, (int) (limit - n));
                        out.flush();
                        break;
                    }
                    out.write(buf, 0, r);
                    n += r;
                }
            } catch (IOException ignored) {
                // closed
            } finally {
                try {
                    a.close();
                    b.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
