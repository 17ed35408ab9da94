package org.kumiki.platform.health.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The real Felix HC executor over Kumiki's checks, through /system/health (real HTTP) and hc:exec. */
class HealthIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @InjectBundleContext
    BundleContext context;
    @InjectService
    Installation installation;
    @InjectService
    ModelRepository models;
    @InjectService
    RunEngine lab;
    @InjectService
    CommandProcessor gogo;

    String base() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    Object ep = r.getProperty("osgi.http.endpoint");
                    String s = ep instanceof String[] ? ((String[]) ep)[0] : ep instanceof java.util.Collection ? String.valueOf(((java.util.Collection<?>) ep).iterator().next()) : (String) ep;
                    if (s != null && !s.contains(":0/")) {
                        s = s.replace("localhost", "127.0.0.1");
                        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no HTTP endpoint");
    }

    static HttpResponse<String> get(String url, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** HC caches results for 2 s: ask until the answer matches, for at most 60 s. */
    static HttpResponse<String> awaitGet(String url, Predicate<HttpResponse<String>> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> r = get(url, null);
        while (!until.test(r) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = get(url, null);
        }
        return r;
    }

    static JsonNode check(JsonNode body, String name) {
        for (JsonNode c : body.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + body);
    }

    @Test
    void aModelThatFailsToLoadMakesInferenceCriticalAndTheEndpoint503() throws Exception {
        String base = base();
        Path bad = installation.stateDirectory("inference").resolve("models").resolve("health_bad");
        Files.createDirectories(bad.resolve("1"));
        Files.write(bad.resolve("1").resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(bad.resolve("config.json"), "{\"platform\": \"onnxruntime_onnx\"}");
        assertThrows(InferenceException.class, () -> models.load("health_bad"));
        try {
            HttpResponse<String> r = awaitGet(base + "/system/health?tags=inference", x -> x.statusCode() == 503);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
            JsonNode body = JSON.readTree(r.body());
            assertEquals("CRITICAL", body.get("status").asText());
            JsonNode inference = check(body, "Inference models");
            assertEquals("CRITICAL", inference.get("status").asText());
            assertTrue(inference.get("messages").toString().contains("model 'health_bad' is UNAVAILABLE (version 1: ONNX Runtime cannot load model.onnx"), inference.toString());
            assertEquals(1, body.get("checks").size(), "only the inference tag: " + body);

            // the whole picture also says 503, and the text form is one line per check
            HttpResponse<String> all = get(base + "/system/health", null);
            assertEquals(503, all.statusCode(), all.body());
            HttpResponse<String> txt = get(base + "/system/health.txt", null);
            assertEquals(503, txt.statusCode());
            assertTrue(txt.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), txt.headers().toString());
            assertTrue(txt.body().lines().anyMatch(l -> l.startsWith("CRITICAL Inference models: ") && l.contains("health_bad")), txt.body());
            assertTrue(txt.body().lines().anyMatch(l -> l.startsWith("OK Scheduler backends: answering: local")), txt.body());
            assertTrue(txt.body().lines().anyMatch(l -> l.startsWith("OK HTTP server: HTTP server is up at http://")), txt.body());
            assertEquals(JSON.readTree(all.body()).get("checks").size(), txt.body().lines().count(), txt.body());
            HttpResponse<String> accept = get(base + "/system/health?tags=inference", "text/plain");
            assertTrue(accept.body().startsWith("CRITICAL Inference models: "), accept.body());

            // OIP's readiness follows the models too (issue 18)
            HttpResponse<String> ready = get(base + "/v2/health/ready", null);
            assertEquals(400, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("health_bad"), ready.body());

            // hc:exec in Gogo runs the same checks (Felix HC's command)
            String out = exec("hc:exec -v inference");
            assertTrue(out.contains("Inference models") && out.contains("CRITICAL") && out.contains("health_bad"), out);
        } finally {
            deleteTree(bad);
            models.index(); // the repository forgets the folder
        }
    }

    @Test
    void aLatchedEmergencyStopIsCriticalWithItsReasonUntilReset() throws Exception {
        String base = base();
        lab.emergencyStop("health test: door opened");
        try {
            HttpResponse<String> r = awaitGet(base + "/system/health?tags=lab", x -> x.statusCode() == 503);
            assertEquals(503, r.statusCode(), r.body());
            JsonNode estop = check(JSON.readTree(r.body()), "Emergency stop");
            assertEquals("CRITICAL", estop.get("status").asText());
            assertTrue(estop.get("messages").get(0).get("message").asText().contains("emergency stop is latched: health test: door opened"), estop.toString());
        } finally {
            lab.reset();
        }
        HttpResponse<String> after = awaitGet(base + "/system/health?tags=lab", x -> x.statusCode() == 200);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("OK", check(JSON.readTree(after.body()), "Emergency stop").get("status").asText());
    }

    @Test
    void healthyDomainsAnswer200() throws Exception {
        HttpResponse<String> r = awaitGet(base() + "/system/health?tags=scheduler,platform", x -> x.statusCode() == 200);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("status").asText().equals("OK") || body.get("status").asText().equals("WARN"), r.body());
        for (String name : new String[] {"Scheduler backends", "Journals", "HTTP server", "Free space for state"}) {
            check(body, name);
        }
        assertThrows(AssertionError.class, () -> check(body, "Emergency stop"), "lab not asked for");
    }

    @Test
    void hostileRequestsAreOneLine400s() throws Exception {
        String base = base();
        HttpResponse<String> unknown = get(base + "/system/health?tags=lab,nosuchtag", null);
        assertEquals(400, unknown.statusCode());
        assertTrue(JSON.readTree(unknown.body()).get("error").asText().startsWith("unknown tag 'nosuchtag'; known tags: "), unknown.body());
        HttpResponse<String> big = get(base + "/system/health?tags=" + "a".repeat(10_240), null);
        assertEquals(400, big.statusCode(), big.body());
        assertTrue(big.body().contains("too long"), big.body());
        HttpResponse<String> script = get(base + "/system/health.txt?tags=%3Cscript%3E%0A", null);
        assertEquals(400, script.statusCode());
        assertEquals(1, script.body().lines().count(), script.body());
        assertTrue(script.body().startsWith("error: '<script>' is not a tag"), script.body());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/system/health")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("use GET", JSON.readTree(post.body()).get("error").asText());
        for (HttpResponse<String> r : java.util.List.of(unknown, big, script, post)) {
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
        }
    }

    String exec(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession s = gogo.createSession(new java.io.ByteArrayInputStream(new byte[0]), out, out)) {
            Object r = s.execute(line);
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8) + (r == null ? "" : r.toString());
        }
    }

    static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
