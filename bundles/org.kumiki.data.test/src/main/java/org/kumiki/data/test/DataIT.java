package org.kumiki.data.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.WriteHandle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The transfer service, the file endpoint, the endpoint whiteboard and the commands inside Felix. */
class DataIT {

    @InjectBundleContext
    BundleContext context;

    static TransferTaskDTO await(TransferService s, String id) throws Exception {
        return s.await(id).toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static Path tree(Path root, int files) throws IOException {
        Random r = new Random(files);
        for (int i = 0; i < files; i++) {
            Path p = root.resolve("d" + (i % 5)).resolve("f" + i);
            Files.createDirectories(p.getParent());
            byte[] b = new byte[1000 + r.nextInt(9000)];
            r.nextBytes(b);
            Files.write(p, b);
        }
        byte[] big = new byte[(80 << 20) / 8];
        r.nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        return root;
    }

    static TransferRequest request(String src, String dst, boolean recursive) {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src, dst, recursive));
        return r;
    }

    static void assertSameTree(Path a, Path b) throws IOException {
        try (Stream<Path> w = Files.walk(a)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                Path q = b.resolve(a.relativize(p).toString());
                if (Files.isDirectory(p)) assertTrue(Files.isDirectory(q), q.toString());
                else assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), q.toString());
            }
        }
    }

    @Test
    void copiesATreeVerifiedAndPostsEvents(@InjectService TransferService service) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, "org/kumiki/data/*");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, e -> events.add(e.getTopic() + " " + e.getProperty("task.id")), p);
        Path base = Files.createTempDirectory("kumiki-data-it");
        try {
            Path src = tree(base.resolve("src"), 120);
            TransferRequest r = request(src.toString(), base.resolve("dst").toString(), true);
            r.label = "it";
            TransferTaskDTO t = service.submit(r);
            TransferTaskDTO end = await(service, t.id);
            assertEquals(TransferState.SUCCEEDED, end.state, String.valueOf(end.errors));
            assertEquals(121, end.filesDone);
            assertSameTree(src, base.resolve("dst"));
            boolean active = false, succeeded = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(active && succeeded) && System.nanoTime() < deadline) {
                String e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) continue;
                if (e.equals("org/kumiki/data/ACTIVE " + t.id)) active = true;
                if (e.equals("org/kumiki/data/SUCCEEDED " + t.id)) succeeded = true;
            }
            assertTrue(active && succeeded, "ACTIVE and SUCCEEDED events");
            assertEquals(t.id, service.tasks().get(0).id);
        } finally {
            reg.unregister();
            delete(base);
        }
    }

    @Test
    void refusesSpecialDestinationsCopiesLinksAndGuardsClientIds(@InjectService TransferService service) throws Exception {
        Path base = Files.createTempDirectory("kumiki-data-it");
        try {
            Path src = Files.createDirectories(base.resolve("src"));
            Files.write(src.resolve("a"), new byte[] {1, 2, 3});
            Files.createSymbolicLink(src.resolve("link"), Path.of("a"));
            Path fifo = base.resolve("fifo");
            Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertEquals(0, mk.waitFor());
            // a FIFO as destination: refused in one line, the FIFO stays
            TransferTaskDTO f = await(service, service.submit(request(src.resolve("a").toString(), fifo.toString(), false)).id);
            assertEquals(TransferState.FAILED, f.state);
            assertTrue(f.errors.get(0).message.contains("FIFO") && f.errors.get(0).message.contains("refused"), f.errors.get(0).message);
            assertFalse(Files.isRegularFile(fifo));
            assertEquals(EntryDTO.FIFO, service.list(fifo.toUri()).get(0).kind);
            // links: copied as links when asked
            TransferRequest r = request(src.toString(), base.resolve("dst").toString(), true);
            r.links = "copy";
            r.clientSubmissionId = "it-links";
            TransferTaskDTO t = await(service, service.submit(r).id);
            assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
            assertEquals(Path.of("a"), Files.readSymbolicLink(base.resolve("dst/link")));
            // the same client id: the same task for the same request, refused for another
            assertEquals(t.id, service.submit(r).id);
            TransferRequest other = request(src.toString(), base.resolve("elsewhere").toString(), true);
            other.clientSubmissionId = "it-links";
            TransferRejectedException e = assertThrows(TransferRejectedException.class, () -> service.submit(other));
            assertTrue(e.getMessage().contains("destination") && e.getMessage().contains("links 'COPY' then, 'SKIP' now"), e.getMessage());
            assertFalse(Files.exists(base.resolve("elsewhere")));
        } finally {
            delete(base);
        }
    }

    @Test
    void refusesHostileRequests(@InjectService TransferService service) {
        for (String[] b : new String[][] {{"/tmp/../etc/passwd", "/tmp/x"}, {"/tmp/a", "file:///tmp/b%00c"}, {"/tmp/a", "nosuch://h/x"}, {"/tmp/a", "tmp/relative"}}) {
            assertThrows(TransferRejectedException.class, () -> service.submit(request(b[0], b[1], false)), b[0] + " " + b[1]);
        }
    }

    @Test
    void endpointsComeAndGoAsServices(@InjectService TransferService service) throws Exception {
        assertTrue(service.endpoints().stream().anyMatch(e -> e.schemes.contains("file") && e.bundle.equals("org.kumiki.data")));
        assertThrows(TransferRejectedException.class, () -> service.list(URI.create("memo:///x")));
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Endpoint.SCHEME, "memo");
        ServiceRegistration<Endpoint> reg = context.registerService(Endpoint.class, new Endpoint() {
            @Override
            public String description() {
                return "one fixed folder";
            }

            @Override
            public boolean writable() {
                return false;
            }

            @Override
            public EntryDTO stat(URI uri) {
                EntryDTO e = new EntryDTO();
                e.name = "x";
                e.uri = uri.toString();
                e.type = EntryDTO.DIRECTORY;
                return e;
            }

            @Override
            public List<EntryDTO> list(URI folder) {
                EntryDTO ok = new EntryDTO();
                ok.name = "ok";
                ok.type = EntryDTO.FILE;
                ok.size = 1;
                EntryDTO evil = new EntryDTO();
                evil.name = "../evil";
                evil.type = EntryDTO.FILE;
                return List.of(ok, evil);
            }

            @Override
            public ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
                throw new IOException("no");
            }

            @Override
            public WriteHandle openWrite(URI uri) throws IOException {
                throw new IOException("read only");
            }

            @Override
            public void mkdirs(URI folder) {
            }

            @Override
            public void rename(URI from, URI to) {
            }

            @Override
            public void delete(URI uri) {
            }
        }, p);
        try {
            assertEquals(List.of("ok"), service.list(URI.create("memo:///x")).stream().map(e -> e.name).toList(), "hostile name filtered");
            assertTrue(service.endpoints().stream().anyMatch(e -> e.schemes.contains("memo") && !e.writable));
            assertThrows(TransferRejectedException.class, () -> service.submit(request("/tmp/a", "memo:///x/y", false)), "not writable");
        } finally {
            reg.unregister();
        }
        assertThrows(TransferRejectedException.class, () -> service.list(URI.create("memo:///x")));
    }

    @Test
    void commandsAreRegistered() throws Exception {
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(osgi.command.scope=data)");
        assertTrue(refs != null && refs.length == 1);
        Object fn = refs[0].getProperty("osgi.command.function");
        List<String> fns = List.of((String[]) fn);
        assertTrue(fns.containsAll(List.of("endpoints", "ls", "transfer", "tasks", "show", "cancel")), fns.toString());
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> w = Files.walk(p)) {
            for (Path x : (Iterable<Path>) w.sorted((a, b) -> b.compareTo(a))::iterator) Files.deleteIfExists(x);
        }
        assertFalse(Files.exists(p));
    }
}
