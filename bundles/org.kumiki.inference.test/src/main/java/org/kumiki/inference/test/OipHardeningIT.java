package org.kumiki.inference.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The OIP v2 server against slow, silent and hostile clients, and the protocol corners of issue 18. */
class OipHardeningIT {

    @InjectBundleContext
    BundleContext context;
    @InjectService
    Installation installation;

    Path repo() {
        return installation.stateDirectory("inference").resolve("models");
    }

    /** One raw HTTP/1.1 exchange (the path exactly as given), read to the end. */
    static String raw(String base, String request) throws IOException {
        URI u = URI.create(base);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String get(String base, String rawPath) throws IOException {
        return raw(base, "GET " + rawPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    static JsonNode jsonBody(String response) throws IOException {
        return OipHttpIT.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void ambiguousPathsAndUnknownPathsAnswerJsonErrors() throws Exception {
        String base = Http.base(context);
        for (String p : new String[] {"//v2", "/nothing/here", "/foo/health/live", "/v2//health/live", "/v2/models/%2e%2e/ready", "/v2/%2E%2E/v2", "/v2/models/a%2Fb/ready",
                "/v2/models/x;y/ready", "/v2/models/../v2"}) {
            String r = get(base, p);
            assertTrue(r.startsWith("HTTP/1.1 400") || r.startsWith("HTTP/1.1 404"), p + " -> " + r);
            assertTrue(r.contains("Content-Type: application/json"), p + " -> " + r);
            JsonNode n = jsonBody(r);
            assertTrue(n.get("error").isTextual(), p + " -> " + r);
        }
        assertTrue(jsonBody(get(base, "/v2/models/%2e%2e/ready")).get("error").asText().contains("ambiguous path"));
        assertTrue(jsonBody(get(base, "/v2/models/a%2Fb/ready")).get("error").asText().contains("encoded path separator"));
        String unknown = get(base, "/nothing/here");
        assertTrue(unknown.startsWith("HTTP/1.1 404") && unknown.contains("application/json"), unknown);
        assertEquals(200, Http.get(base + "/v2/health/live").statusCode());
    }

    @Test
    void readyOnlyWhenEveryModelIsReadyAndIndexFiltersReady() throws Exception {
        String base = Http.base(context);
        TestModels.install(repo(), "ready_bad", "1", new byte[] {1, 2, 3}, null);
        assertEquals(400, Http.post(base + "/v2/repository/models/ready_bad/load", "").statusCode());
        HttpResponse<byte[]> notReady = Http.get(base + "/v2/health/ready");
        assertEquals(400, notReady.statusCode(), "before: hard-coded 200");
        assertTrue(OipHttpIT.json(notReady).get("error").asText().contains("model 'ready_bad'"), new String(notReady.body(), StandardCharsets.UTF_8));

        JsonNode all = OipHttpIT.json(Http.post(base + "/v2/repository/index", "{}"));
        JsonNode ready = OipHttpIT.json(Http.post(base + "/v2/repository/index", "{\"ready\": true}"));
        assertTrue(all.toString().contains("\"ready_bad\""));
        assertFalse(ready.toString().contains("\"ready_bad\""), "before: {\"ready\": true} was ignored: " + ready);
        for (JsonNode n : ready) {
            assertEquals("READY", n.get("state").asText(), ready.toString());
        }
        OipHttpIT.assertError(Http.post(base + "/v2/repository/index", "{\"ready\": \"yes\"}"), 400, "'ready' must be true or false");

        // mend the model: it no longer holds the server back
        TestModels.install(repo(), "ready_bad", "1", TestModels.mlp(), "{\"max_batch_size\": 8}");
        assertEquals(200, Http.post(base + "/v2/repository/models/ready_bad/load", "").statusCode());
        HttpResponse<byte[]> after = Http.get(base + "/v2/health/ready");
        String text = new String(after.body(), StandardCharsets.UTF_8);
        assertFalse(text.contains("ready_bad"), text);
        boolean othersFailed = false;
        for (JsonNode n : OipHttpIT.json(Http.post(base + "/v2/repository/index", "{}"))) {
            String reason = n.path("reason").asText("");
            othersFailed |= !n.get("state").asText().equals("READY") && !reason.equals("not loaded") && !reason.equals("unloaded");
        }
        assertEquals(othersFailed ? 400 : 200, after.statusCode(), text);
    }

    @Test
    void loadConfigIsRefusedAndOverflowingNumbersAreRefused() throws Exception {
        String base = Http.base(context);
        TestModels.install(repo(), "hard_mlp", "1", TestModels.mlp(), "{\"max_batch_size\": 8}");
        OipHttpIT.assertError(Http.post(base + "/v2/repository/models/hard_mlp/load", "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 2}\"}}"),
                400, "parameters.config is not supported");
        assertEquals(200, Http.post(base + "/v2/repository/models/hard_mlp/load", "{\"parameters\": {}}").statusCode());
        String url = base + "/v2/models/hard_mlp/infer";
        OipHttpIT.assertError(Http.post(url, "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 1e400, 3, 4]}]}"),
                400, "element 1 is out of the range of FP32");
        OipHttpIT.assertError(Http.post(url, "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, NaN, 3, 4]}]}"),
                400, "malformed JSON");
    }

    @Test
    void bearerSchemeIsCaseInsensitive(@InjectService ConfigurationAdmin cm) throws Exception {
        String base = Http.base(context);
        Configuration c = cm.getConfiguration("org.kumiki.inference.http", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("bearer.token", "t0ken");
        c.update(p);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Http.get(base + "/v2").statusCode() != 401 && System.nanoTime() < deadline) {
                Thread.sleep(50); // the configuration reaches the servlet asynchronously
            }
            assertEquals(401, Http.get(base + "/v2").statusCode());
            assertEquals(200, Http.get(base + "/v2", "Authorization", "bearer t0ken").statusCode(), "before: lowercase scheme refused");
            assertEquals(200, Http.get(base + "/v2", "Authorization", "BEARER t0ken").statusCode());
            // a token in another case, on a connection of its own: Jetty's per-connection header
            // cache matches a repeated header case-insensitively, so on the connection that just
            // sent "bearer t0ken" it would be taken for that one (a Jetty HttpCompliance setting)
            String wrong = raw(base, "GET /v2 HTTP/1.1\r\nHost: localhost\r\nAuthorization: bearer T0KEN\r\nConnection: close\r\n\r\n");
            assertTrue(wrong.startsWith("HTTP/1.1 401"), wrong);
            assertEquals(401, Http.get(base + "/v2", "Authorization", "Basic t0ken").statusCode());
            // refused before its body is read: the answer ends the connection, so that a
            // keep-alive client does not send its next request on a connection being closed
            String early = raw(base, "POST /v2/models/x/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 20\r\n\r\n{\"inputs\": []      }");
            assertTrue(early.startsWith("HTTP/1.1 401"), early);
            assertTrue(early.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), early);
        } finally {
            c.delete();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Http.get(base + "/v2").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void slowAndSilentClientsDoNotFreezeTheServer() throws Exception {
        String base = Http.base(context);
        URI u = URI.create(base);
        Path log = Paths.get(System.getProperty("kumiki.log.dir", "log"), "kumiki.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        String headers = "POST /v2/models/nosuch/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        List<Socket> trickling = new ArrayList<>();
        List<Socket> silent = new ArrayList<>();
        int slow = 0;
        int busy = 0;
        try {
            // 50 that hang up half-way, 200 that trickle their bodies, 300 that send nothing after the headers
            for (int i = 0; i < 50; i++) {
                try (Socket s = new Socket(u.getHost(), u.getPort())) {
                    s.getOutputStream().write((headers + "{" + " ".repeat(500)).getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket(u.getHost(), u.getPort());
                s.setSoTimeout(60_000);
                s.getOutputStream().write((headers + "{").getBytes(StandardCharsets.ISO_8859_1));
                (i < 200 ? trickling : silent).add(s);
            }
            for (int round = 0; round < 3; round++) {
                for (Socket s : trickling) {
                    try {
                        s.getOutputStream().write(' ');
                    } catch (IOException e) {
                        // on a slow machine the grace period may end first: the server has cut it off (checked below)
                    }
                }
                // answers at once although hundreds of bodies are pending (before: minutes, every thread blocked in a read)
                long t0 = System.nanoTime();
                HttpResponse<byte[]> live = Http.get(base + "/v2/health/live");
                assertEquals(200, live.statusCode());
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "health/live took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            // beyond max.pending.requests (256) a client gets 503 at once; after the grace period
            // (request.grace.seconds, 10 s) every other one gets 408 and is disconnected
            // on a loaded machine the 50 that hung up may still count as pending when the first
            // trickling clients arrive, so any of the 500 may be the one beyond the limit
            for (Socket s : trickling) {
                String a = answer(s);
                if (a.startsWith("HTTP/1.1 503")) {
                    assertTrue(a.contains("max.pending.requests"), a);
                    busy++;
                } else {
                    assertTrue(a.startsWith("HTTP/1.1 408") && a.contains("request body too slow"), a);
                    slow++;
                }
            }
            for (Socket s : silent) {
                String a = answer(s);
                if (a.startsWith("HTTP/1.1 503")) {
                    assertTrue(a.contains("max.pending.requests"), a);
                    busy++;
                } else {
                    assertTrue(a.startsWith("HTTP/1.1 408") && a.contains("request body too slow"), a);
                    slow++;
                }
            }
        } finally {
            for (Socket s : trickling) {
                s.close();
            }
            for (Socket s : silent) {
                s.close();
            }
        }
        assertTrue(busy > 0 && slow > 0 && busy + slow == 500, busy + " busy, " + slow + " too slow");
        assertEquals(200, Http.get(base + "/v2/health/live").statusCode());
        // one line per client cut off or gone, no stack trace
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String tail = "";
        while (System.nanoTime() < deadline) {
            tail = tail(log, logStart);
            if (count(tail, "OIP client ") >= slow + 50) {
                break;
            }
            Thread.sleep(100); // the log is written asynchronously to the requests
        }
        String shown = tail.length() > 4000 ? tail.substring(0, 4000) : tail;
        assertEquals(slow, count(tail, " too slow POST /v2/models/nosuch/infer"), shown);
        assertEquals(50, count(tail, " dropped ("), shown);
        assertFalse(tail.contains("\n\tat ") || tail.contains("Exception\n"), "no stack traces: " + shown);
    }

    static String answer(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) > 0) {
            out.write(b, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String tail(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        byte[] all = Files.readAllBytes(log);
        return from >= all.length ? "" : new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
    }

    static int count(String text, String what) {
        int c = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }

    @SuppressWarnings("unused")
    private static void write(OutputStream o, String s) throws IOException {
        o.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
