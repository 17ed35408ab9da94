package org.kumiki.inference.test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** A small client of the REST API of the framework under test: real HTTP to Felix Jetty. */
final class Rest {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    final String base;
    final String token;

    Rest(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The endpoint Felix Jetty published (port chosen at start), e.g. http://127.0.0.1:41234 */
    static String base(BundleContext context) throws Exception {
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

    /** A response: status, headers, body text and its JSON (null when not JSON). */
    record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        String text() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String error() {
            return json == null || !json.has("error") ? null : json.get("error").asText();
        }
    }

    Answer call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
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

    Answer get(String path) throws Exception {
        return call("GET", path, null);
    }

    Answer post(String path, String body, String... headers) throws Exception {
        return call("POST", path, body, headers);
    }

    /** One Server-Sent Event. */
    record Event(String name, String id, JsonNode data) {
    }

    /**
     * Opens an event stream and collects its events until the server ends it, {@code stop} accepts
     * an event, or the time is up (an AssertionError naming what came).
     *
     * @param afterOpen run once the response headers arrived (the stream is subscribed)
     */
    List<Event> events(String path, Predicate<Event> stop, long timeoutSeconds, Runnable afterOpen, String... headers) throws Exception {
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
}
