package org.kumiki.platform.resttest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** A small client of the REST API of the framework under test: real HTTP to Felix Jetty, a bearer token per client. */
public final class RestClient {

    public static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    public static final ObjectMapper JSON = new ObjectMapper();

    public final String base;
    public final String token;
    /** The time a request may take ({@link #call}); 60 s unless given. */
    public final Duration timeout;

    public RestClient(String base, String token) {
        this(base, token, Duration.ofSeconds(60));
    }

    public RestClient(String base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
    }

    /** The endpoint Felix Jetty published (port chosen at start), e.g. http://127.0.0.1:41234 */
    public static String base(BundleContext context) throws Exception {
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

    /**
     * Writes bearer tokens, as SHA-256 digests, into the platform's tokens file ({@code tokens} in
     * {@code accessDirectory}, the installation's {@code state/access}, mode 0600), which the
     * platform's AccessControl reads; replaces the file atomically.
     *
     * @param tokens each {name, role, token}, e.g. {"viewer", "viewer", "viewer-token-1"}
     */
    public static void writeTokens(Path accessDirectory, String[]... tokens) throws Exception {
        Files.createDirectories(accessDirectory);
        StringBuilder b = new StringBuilder("# written by the REST tests\n");
        for (String[] t : tokens) {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(t[2].getBytes(StandardCharsets.UTF_8));
            b.append(t[0]).append(' ').append(t[1]).append(" sha256:").append(HexFormat.of().formatHex(d)).append('\n');
        }
        Path tmp = accessDirectory.resolve("tokens.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, b.toString());
        Files.move(tmp, accessDirectory.resolve("tokens"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits (60 s at most) until {@code probe} answers 200 to this client: a servlet registers on the
     * whiteboard once its references are there.
     *
     * @return this client
     */
    public RestClient awaitOk(String probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Answer a = get(probe);
            if (a.status() == 200) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(probe + " answers " + a.status() + ": " + a.text());
            }
            Thread.sleep(50);
        }
    }

    /** A response: status, headers, body text and its JSON (null when not JSON). */
    public record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        public String text() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String error() {
            return json == null || !json.has("error") ? null : json.get("error").asText();
        }

        /** Asserts this status and answers the body as JSON (whatever its Content-Type). */
        public JsonNode json(int status) throws IOException {
            if (status() != status) {
                throw new AssertionError("expected " + status + " but got " + status() + ": " + text());
            }
            return JSON.readTree(text());
        }

        /** Asserts a JSON error with this status whose message contains {@code part} and is one clear line; answers the message. */
        public String error(int status, String part) throws IOException {
            JsonNode n = json(status);
            String m = n.path("error").asText();
            if (!m.contains(part) || n.path("status").asInt() != status) {
                throw new AssertionError("expected an error containing '" + part + "' but got " + n);
            }
            if (m.contains("\n") || m.contains("Exception")) {
                throw new AssertionError("not one clear line: " + m);
            }
            return m;
        }
    }

    public Answer call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        boolean ct = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            ct |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !ct) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode j = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && !r.body().isEmpty()) {
            j = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), r, j);
    }

    public Answer get(String path) throws Exception {
        return call("GET", path, null);
    }

    public Answer post(String path, String body, String... headers) throws Exception {
        return call("POST", path, body, headers);
    }

    /** One Server-Sent Event. */
    public record Event(String name, String id, JsonNode data) {
    }

    /**
     * Opens an event stream and collects its events until the server ends it, {@code stop} accepts
     * an event, or the time is up (an AssertionError naming what came).
     *
     * @param afterOpen run once the response headers arrived (the stream is subscribed)
     */
    public List<Event> events(String path, Predicate<Event> stop, long timeoutSeconds, Runnable afterOpen, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<InputStream> r = CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new AssertionError("event stream " + path + " answered " + r.statusCode() + ": " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        BlockingQueue<Object> q = new LinkedBlockingQueue<>();
        Object end = new Object();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                String name = null;
                String id = null;
                StringBuilder data = new StringBuilder();
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            q.add(new Event(name, id, JSON.readTree(data.toString())));
                        }
                        name = null;
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } catch (Exception e) {
                // closed by us
            } finally {
                q.add(end);
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        if (afterOpen != null) {
            afterOpen.run();
        }
        List<Event> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Object o = left > 0 ? q.poll(left, TimeUnit.NANOSECONDS) : null;
                if (o == null) {
                    throw new AssertionError("event stream " + path + " did not end in " + timeoutSeconds + " s; got " + got);
                }
                if (o == end) {
                    return got;
                }
                got.add((Event) o);
                if (stop != null && stop.test((Event) o)) {
                    return got;
                }
            }
        } finally {
            r.body().close();
        }
    }

    /**
     * Opens an event stream to read event by event ({@link EventStream#next}); unlike {@link #events}
     * it sends no Accept header and does not check the status (see {@link EventStream#response}).
     */
    public EventStream open(String path, String... headers) throws Exception {
        return new EventStream(this, path, headers);
    }

    /** An open event stream: events arrive in {@link #events}; {@link #END} once the server closed it. */
    public static final class EventStream implements AutoCloseable {
        /** The last element: the server ended the stream (or it was closed). */
        public static final Event END = new Event("<end>", null, null);
        public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        public final HttpResponse<Stream<String>> response;

        EventStream(RestClient client, String path, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(client.base + path)).GET();
            if (client.token != null) {
                b.header("Authorization", "Bearer " + client.token);
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> {
                String name = null;
                String id = null;
                StringBuilder data = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.isEmpty()) {
                            if (data != null) {
                                events.add(new Event(name, id, JSON.readTree(data.toString())));
                            }
                            name = null;
                            id = null;
                            data = null;
                        } else if (line.startsWith("event: ")) {
                            name = line.substring(7);
                        } else if (line.startsWith("id: ")) {
                            id = line.substring(4);
                        } else if (line.startsWith("data: ")) {
                            data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                        }
                    }
                } catch (Exception e) {
                    // closed by close()
                }
                events.add(END);
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event ({@link #END} when the stream ended), waiting 60 s at most. */
        public Event next() throws InterruptedException {
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
}
