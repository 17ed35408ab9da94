package org.kumiki.platform.assembly.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** Repository locations (file, http, https, plain paths), reading them, and SHA-256-checked downloads. */
public final class Locations {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration REQUEST = Duration.ofSeconds(120);
    private static volatile HttpClient client;

    private Locations() {
    }

    /** A fetched jar whose SHA-256 is not the one its index states. */
    public static final class DigestMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        DigestMismatch(String message) {
            super(message);
        }
    }

    /**
     * The index.xml URI of what an operator typed: a file/http/https URL or a plain path; a
     * folder (or a URL ending in '/') means its index.xml.
     */
    public static URI indexUri(String location, Path cwd) {
        if (location == null || location.isBlank()) throw new IllegalArgumentException("no repository location given");
        String s = location.trim();
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) throw new IllegalArgumentException("repository location contains control characters");
        URI uri;
        if (s.matches("(?i)(https?|file):.*")) {
            try {
                uri = new URI(s).normalize();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("repository URL '" + s + "' does not parse: " + Index.oneLine(e.getReason())
                        + (s.contains(" ") ? " (spaces must be written %20)" : ""));
            }
            String scheme = uri.getScheme().toLowerCase();
            if (scheme.startsWith("http") && (uri.getHost() == null || uri.getHost().isEmpty())) {
                throw new IllegalArgumentException("repository URL '" + s + "' has no host");
            }
            if (uri.getPath() == null || uri.getPath().isEmpty()) {
                uri = uri.resolve("/");
            }
            if (uri.getRawPath().contains("/../") || uri.getRawPath().endsWith("/..")) {
                throw new IllegalArgumentException("repository URL '" + s + "' climbs above its root ('..')");
            }
            if (scheme.equals("file")) {
                Path p;
                try {
                    p = Paths.get(uri);
                } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                    throw new IllegalArgumentException("repository URL '" + s + "' is not a local file URL");
                }
                return fileIndex(p);
            }
            return uri.getPath().endsWith("/") ? uri.resolve("index.xml") : uri;
        }
        if (s.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("repository URL '" + s + "': only file, http and https are supported");
        }
        Path p;
        try {
            p = cwd.resolve(s).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("repository path '" + s + "' is not a valid path");
        }
        return fileIndex(p);
    }

    private static URI fileIndex(Path p) {
        p = p.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) p = p.resolve("index.xml");
        return p.toUri();
    }

    /** {@code url} resolved against {@code base}; refused when it leaves the folder of {@code base}. */
    static URI resolveInside(URI base, String url, String what) {
        URI u;
        try {
            u = base.resolve(new URI(url)).normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": url '" + Index.oneLine(url) + "' does not parse");
        }
        URI folder = base.resolve(".").normalize();
        String f = folder.toString();
        if (!u.toString().startsWith(f) || u.getRawPath() == null || u.getRawPath().contains("/../")) {
            throw new IllegalArgumentException(what + ": url '" + Index.oneLine(url) + "' points outside the repository");
        }
        return u;
    }

    /** Opens a file or http(s) URI for reading; an unreachable one fails with one line. */
    public static InputStream open(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (scheme.equals("file")) {
            Path p = Paths.get(uri);
            try {
                return Files.newInputStream(p);
            } catch (NoSuchFileException e) {
                throw new IOException(p + " does not exist");
            }
        }
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IOException("unsupported scheme in " + uri);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(REQUEST).GET().build();
        try {
            HttpResponse<InputStream> resp = http().send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new IOException(uri + " answered HTTP " + resp.statusCode());
            }
            return resp.body();
        } catch (ConnectException e) {
            throw new IOException(uri.getHost() + ":" + port(uri) + " refused the connection");
        } catch (HttpTimeoutException e) {
            throw new IOException(uri + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(uri.toString())) throw e;
            throw new IOException(uri + ": " + Index.oneLine(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static HttpClient http() {
        HttpClient c = client;
        if (c == null) {
            synchronized (Locations.class) {
                if (client == null) client = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NORMAL).build();
                c = client;
            }
        }
        return c;
    }

    /**
     * The jar of a resource in the cache ({@code cache/<sha256>.jar}), downloaded (or copied) if
     * missing; its SHA-256 is checked against the index before it enters the cache, and again
     * when it is already there.
     *
     * @throws IOException with one line: unreachable, or a {@link DigestMismatch} ("SHA-256 mismatch")
     */
    public static Path fetch(Index.Res r, Path cache) throws IOException {
        Files.createDirectories(cache);
        Path target = cache.resolve(r.sha256 + ".jar");
        if (Files.isRegularFile(target)) {
            String have = sha256(target);
            if (have.equals(r.sha256)) return target;
            Files.deleteIfExists(target);
        }
        Path tmp = Files.createTempFile(cache, r.sha256, ".part");
        try {
            String have;
            try (InputStream in = open(r.url); DigestInputStream din = new DigestInputStream(in, digest())) {
                Files.copy(din, tmp, StandardCopyOption.REPLACE_EXISTING);
                have = HexFormat.of().formatHex(din.getMessageDigest().digest());
            }
            if (!have.equals(r.sha256)) {
                throw new DigestMismatch(r.name + " " + r.version + ": SHA-256 mismatch: " + r.url + " has " + have
                        + ", the index says " + r.sha256);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String sha256(Path p) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), digest())) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
