package org.kumiki.simulation.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Real HTTP against the framework's Felix Jetty, with three bearer tokens (viewer, operator,
 * admin) written, as SHA-256 digests, into the platform's tokens file ({@code state/access/tokens},
 * mode 0600), which the platform's AccessControl reads.
 */
final class Rest {

    static final String VIEWER = "viewer-token-1";
    static final String OPERATOR = "operator-token-1";
    static final String ADMIN = "admin-token-1";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private static String base;

    /** The base URL (http://127.0.0.1:PORT) once {@code probe} answers 200 to the viewer. */
    static synchronized String base(BundleContext context, String probe) throws Exception {
        if (base == null) {
            writeTokens(context);
            base = endpoint(context);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            // the servlet registers on the whiteboard once its references are there: wait for that
            HttpResponse<byte[]> r = get(probe, VIEWER);
            if (r.statusCode() == 200) {
                return base;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(probe + " answers " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
    }

    private static void writeTokens(BundleContext context) throws Exception {
        ServiceReference<Installation> ref = context.getServiceReference(Installation.class);
        if (ref == null) {
            throw new AssertionError("no Installation service");
        }
        Path dir = context.getService(ref).stateDirectory("access");
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder("# written by the REST tests\n");
        for (String[] t : new String[][] {{"viewer", "viewer", VIEWER}, {"operator", "operator", OPERATOR}, {"admin", "admin", ADMIN}}) {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(t[2].getBytes(StandardCharsets.UTF_8));
            b.append(t[0]).append(' ').append(t[1]).append(" sha256:").append(HexFormat.of().formatHex(d)).append('\n');
        }
        Path tmp = dir.resolve("tokens.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, b.toString());
        Files.move(tmp, dir.resolve("tokens"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String endpoint(BundleContext context) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    Object ep = r.getProperty("osgi.http.endpoint");
                    String s = ep instanceof String[] a ? a[0] : ep instanceof java.util.Collection<?> c ? String.valueOf(c.iterator().next()) : (String) ep;
                    if (s != null && !s.contains(":0/")) {
                        s = s.replace("localhost", "127.0.0.1");
                        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                    }
                }
            }
            Thread.sleep(50); // polling for the HTTP runtime to publish its port
        }
        throw new AssertionError("no HttpServiceRuntime with an endpoint");
    }

    static HttpResponse<byte[]> get(String path, String token, String... headers) throws Exception {
        return send("GET", path, token, null, headers);
    }

    static HttpResponse<byte[]> post(String path, String token, String json, String... headers) throws Exception {
        return send("POST", path, token, json, headers);
    }

    static HttpResponse<byte[]> send(String method, String path, String token, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        boolean ct = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            ct |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (json != null && !ct) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r, int status) throws IOException {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() != status) {
            throw new AssertionError("expected " + status + " but got " + r.statusCode() + ": " + body);
        }
        return JSON.readTree(body);
    }

    /** Asserts a JSON error with this status whose message contains {@code part}; returns the message. */
    static String error(HttpResponse<byte[]> r, int status, String part) throws IOException {
        JsonNode n = json(r, status);
        String m = n.path("error").asText();
        if (!m.contains(part) || n.path("status").asInt() != status) {
            throw new AssertionError("expected an error containing '" + part + "' but got " + n);
        }
        if (m.contains("\n") || m.contains("Exception")) {
            throw new AssertionError("not one clear line: " + m);
        }
        return m;
    }

    /** One Server-Sent Event. */
    record Event(String event, String id, String data) {
        JsonNode json() throws IOException {
            return JSON.readTree(data);
        }
    }

    /** An open event stream: events arrive in {@link #events}; {@code END} when the server closed it. */
    static final class Sse implements AutoCloseable {
        static final Event END = new Event("<end>", null, null);
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final HttpResponse<Stream<String>> response;
        private final Thread reader;

        Sse(String path, String token, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET();
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
            reader = new Thread(() -> {
                String event = null;
                String id = null;
                StringBuilder data = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.isEmpty()) {
                            if (data != null) {
                                events.add(new Event(event, id, data.toString()));
                            }
                            event = null;
                            id = null;
                            data = null;
                        } else if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("id: ")) {
                            id = line.substring(4);
                        } else if (line.startsWith("data: ")) {
                            data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                        }
                    }
                } catch (RuntimeException e) {
                    // closed by close()
                }
                events.add(END);
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        Event next() throws InterruptedException {
            Event e = events.poll(60, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within 60 s");
            }
            return e;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    static Map<String, String> headers(HttpResponse<?> r) {
        Map<String, String> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.headers().map().forEach((k, v) -> m.put(k, v.get(0)));
        return m;
    }

    private Rest() {
    }
}
