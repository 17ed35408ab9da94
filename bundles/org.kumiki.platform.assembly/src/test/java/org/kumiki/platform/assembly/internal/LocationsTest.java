package org.kumiki.platform.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.repotest.TestRepo;

/** Locations as operators type them, unreachable repositories and the SHA-256 check. */
class LocationsTest {

    @TempDir
    Path tmp;

    @Test
    void locationsAreNormalised() throws IOException {
        Files.createDirectories(tmp.resolve("repo"));
        assertEquals(tmp.resolve("repo/index.xml").toUri(), Locations.indexUri("repo", tmp));
        assertEquals(tmp.resolve("repo/index.xml").toUri(), Locations.indexUri(tmp.resolve("repo").toUri().toString(), tmp));
        assertEquals(URI.create("http://h:8/r/index.xml"), Locations.indexUri("http://h:8/r/", tmp));
        assertEquals(URI.create("https://h/r/x.xml"), Locations.indexUri("https://h/r/x.xml", tmp));
    }

    @Test
    void badLocationsFailWithOneLine() {
        assertEquals("repository URL 'http://h/a b/' does not parse: Illegal character in path (spaces must be written %20)",
                assertThrows(IllegalArgumentException.class, () -> Locations.indexUri("http://h/a b/", tmp)).getMessage());
        assertEquals("repository URL 'ftp://h/r': only file, http and https are supported",
                assertThrows(IllegalArgumentException.class, () -> Locations.indexUri("ftp://h/r", tmp)).getMessage());
        assertEquals("repository URL 'http:///r' has no host",
                assertThrows(IllegalArgumentException.class, () -> Locations.indexUri("http:///r", tmp)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locations.indexUri("http://h/../../x", tmp)).getMessage().contains("'..'"));
        assertEquals("repository location contains control characters",
                assertThrows(IllegalArgumentException.class, () -> Locations.indexUri("a\u001b[2Jb", tmp)).getMessage());
        assertEquals("no repository location given", assertThrows(IllegalArgumentException.class, () -> Locations.indexUri(" ", tmp)).getMessage());
    }

    @Test
    void unreachableRepositoryIsOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } // closed: nothing listens there now
        URI u = URI.create("http://127.0.0.1:" + port + "/index.xml");
        IOException e = assertThrows(IOException.class, () -> Locations.open(u));
        assertEquals("127.0.0.1:" + port + " refused the connection", e.getMessage());
        IOException f = assertThrows(IOException.class, () -> Locations.open(tmp.resolve("none/index.xml").toUri()));
        assertEquals(tmp.resolve("none/index.xml") + " does not exist", f.getMessage());
    }

    @Test
    void repositoryOverHttpIsReadAndItsJarsChecked() throws Exception {
        TestRepo r = new TestRepo(tmp.resolve("served"));
        r.bundle("t.h", "1.0.0", List.of("t.h"), List.of(), null);
        r.feature("f", "1.0.0", "over http", List.of("t.h"), null);
        r.write();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repo/", ex -> {
            Path f = r.root().resolve(ex.getRequestURI().getPath().substring("/repo/".length()));
            byte[] body = Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI index = Locations.indexUri("http://127.0.0.1:" + server.getAddress().getPort() + "/repo/", tmp);
            Index i;
            try (InputStream in = Locations.open(index)) {
                i = Index.parse(in, index, "http repository");
            }
            assertEquals(List.of("features.xml"), i.referrals);
            Path jar = Locations.fetch(i.resources.get(0), tmp.resolve("http-cache"));
            assertEquals(i.resources.get(0).sha256(), Locations.sha256(jar));
            IOException e = assertThrows(IOException.class, () -> Locations.open(index.resolve("missing.xml")));
            assertEquals(index.resolve("missing.xml") + " answered HTTP 404", e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tamperedJarIsRefusedAndNotCached() throws Exception {
        TestRepo r = new TestRepo(tmp.resolve("repo"));
        Path jar = r.bundle("t.a", "1.0.0", List.of("t.a"), List.of(), null);
        Path index = r.write();
        Index.Res res;
        try (InputStream in = Files.newInputStream(index)) {
            res = Index.parse(in, index.toUri(), "t").resources.get(0);
        }
        Path cache = tmp.resolve("cache");
        Path ok = Locations.fetch(res, cache);
        assertEquals(res.sha256(), Locations.sha256(ok));
        Files.delete(ok);
        Files.write(jar, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        IOException e = assertThrows(Locations.DigestMismatch.class, () -> Locations.fetch(res, cache));
        assertTrue(e.getMessage().startsWith("t.a 1.0.0: SHA-256 mismatch: " + res.url() + " has "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        try (var files = Files.list(cache)) {
            assertEquals(0, files.count(), "nothing left in the cache");
        }
        // a jar that is gone is unreachable, not tampered
        Files.delete(jar);
        IOException gone = assertThrows(IOException.class, () -> Locations.fetch(res, cache));
        assertFalse(gone instanceof Locations.DigestMismatch, gone.getMessage());
        assertEquals(jar + " does not exist", gone.getMessage());
    }
}
