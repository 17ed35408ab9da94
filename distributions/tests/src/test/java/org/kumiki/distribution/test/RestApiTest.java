package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kumiki.distribution.test.DistributionSmokeTest.DISTRIBUTIONS;
import static org.kumiki.distribution.test.DistributionSmokeTest.JAVA;
import static org.kumiki.distribution.test.DistributionSmokeTest.WORKSTATION;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API of the real workstation jar, as its users reach it: a Python script with nothing but
 * Debian's python3-requests (/usr/bin/python3), the curl examples of the domains' READMEs, the
 * OpenAPI document checked against the real endpoints, the platform's resources, and the refusal
 * to serve plain HTTP beyond loopback. Tokens are written to state/access/tokens (mode 0600)
 * before the container starts, as an admin's kumiki:token-add would.
 */
class RestApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path dir;
    static Process container;
    static ByteArrayOutputStream console = new ByteArrayOutputStream();
    static String base;
    static final Map<String, String> TOKENS = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isRegularFile(WORKSTATION), WORKSTATION + " not built: run the build to 'package' first");
        Path access = Files.createDirectories(dir.resolve("state/access"));
        List<String> lines = new ArrayList<>();
        for (String role : List.of("viewer", "operator", "admin")) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            TOKENS.put(role, token);
            lines.add("test-" + role + " " + role + " sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));
        }
        Path tokens = access.resolve("tokens");
        Files.createFile(tokens, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tokens, lines);
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        container = start(dir, "-Dorg.osgi.service.http.port=" + port);
        awaitApis();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Process start(Path where, String... props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(where.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.start();
        p.getOutputStream().close();
        DistributionSmokeTest.pump(p.getInputStream(), where == dir ? console : new ByteArrayOutputStream());
        return p;
    }

    /** Waits until the OpenAPI document lists the platform's, the scheduler's and the data APIs. */
    static void awaitApis() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api")).build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("/api/scheduler") && r.body().contains("/api/data") && r.body().contains("/api/platform")) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                last = notYet.toString();
            }
            assertTrue(container.isAlive(), "the workstation ended: " + console.toString(StandardCharsets.UTF_8));
            Thread.sleep(100); // polling for the container's start
        }
        throw new AssertionError("the REST APIs did not come up in 90 s: " + last + "\n" + console.toString(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws Exception {
        if (container != null) {
            container.destroy();
            assertTrue(container.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\tat "), "a stack trace on the console: " + out);
        for (String t : TOKENS.values()) {
            assertFalse(out.contains(t), "a token on the console");
            assertFalse(Files.readString(dir.resolve("log/kumiki.log")).contains(t), "a token in the log");
        }
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Answer call(String role, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (role != null) {
            b.header("Authorization", "Bearer " + TOKENS.get(role));
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    @Test
    void aPythonNotebookSubmitsWatchesAndFetchesTheResultWithOnlyRequests() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is missing (scripts/test-all.sh installs python3 and python3-requests)");
        Path script = DISTRIBUTIONS.resolve("tests/src/test/python/notebook.py");
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), base, TOKENS.get("operator")).redirectErrorStream(true);
        pb.environment().remove("PYTHONPATH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertFalse(out.contains("No module named 'requests'"), "Debian's python3-requests is not installed (scripts/test-all.sh installs it): " + out);
        assertEquals(0, p.exitValue(), out);
        JsonNode r = JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
        assertEquals("COMPLETED", r.get("end").asText(), out);
        assertEquals("COMPLETED", r.get("state").asText(), out);
        assertEquals(0, r.get("exitCode").asInt(), out);
        assertEquals("6*7=42", r.get("stdout").get(0).asText(), out);
        String id = r.get("id").asText();
        assertEquals("notebook", call("viewer", "GET", "/api/scheduler/tasks/" + id, null).json().get("spec").get("name").asText());
    }

    @Test
    void theCurlExamplesOfTheReadmesRun(@TempDir Path work) throws Exception {
        for (String bundle : List.of("org.kumiki.scheduler.rest", "org.kumiki.data.rest")) {
            Path readme = DISTRIBUTIONS.resolve("../bundles/" + bundle + "/README.md").normalize();
            Matcher m = Pattern.compile("<!-- tested: RestApiTest -->\\s*```sh\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
            assertTrue(m.find(), readme + " has no tested curl block");
            ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", m.group(1)).directory(work.toFile()).redirectErrorStream(true);
            pb.environment().put("KUMIKI", base);
            pb.environment().put("TOKEN", TOKENS.get("operator"));
            pb.environment().put("PATH", "/usr/bin:/bin");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), bundle + " README examples:\n" + out);
            assertFalse(out.contains("\"error\""), out);
        }
    }

    @Test
    void everyDocumentedOperationAnswersOnTheRealServerAndEveryRouteIsDocumented() throws Exception {
        Answer doc = call(null, "GET", "/api/openapi.json", null);
        assertEquals(200, doc.status());
        JsonNode paths = doc.json().get("paths");
        Map<String, Integer> perApi = new TreeMap<>();
        // a real task, transfer and backend to fill the path parameters in
        String task = call("operator", "POST", "/api/scheduler/tasks", "{\"command\": [\"true\"]}").json().get("id").asText();
        Path src = Files.writeString(dir.resolve("openapi-src.txt"), "x");
        String xfer = call("operator", "POST", "/api/data/transfers", "{\"items\": [{\"source\": \"" + src.toUri() + "\", \"destination\": \""
                + dir.resolve("openapi-dst.txt").toUri() + "\"}]}").json().get("id").asText();
        Map<String, String> values = Map.of("/api/scheduler/tasks/{id}", task, "/api/data/transfers/{id}", xfer, "/api/scheduler/backends/{name}", "local",
                "/api/platform/loggers/{name}", "org.kumiki.test");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String template = e.getKey();
            String path = template;
            for (Map.Entry<String, String> v : values.entrySet()) {
                if (path.startsWith(v.getKey())) {
                    path = v.getKey().replaceAll("\\{[a-z]+\\}$", v.getValue()) + path.substring(v.getKey().length());
                }
            }
            path = path.replaceAll("\\{[A-Za-z]+\\}", "unknown-id");
            String api = template.split("/")[2];
            for (Iterator<String> ms = e.getValue().fieldNames(); ms.hasNext();) {
                String method = ms.next().toUpperCase();
                perApi.merge(api, 1, Integer::sum);
                boolean sse = e.getValue().get(method.toLowerCase()).path("responses").path("200").path("content").has("text/event-stream");
                int status;
                String body;
                if (sse) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKENS.get("admin")).build();
                    HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
                    status = r.statusCode();
                    try (InputStream in = r.body()) {
                        // a stream is not read; an error answer is (a JSON line)
                        body = status == 200 ? "{\"stream\": true}" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                } else {
                    Answer a = call("admin", method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
                    status = a.status();
                    body = a.body();
                }
                checked++;
                boolean noRoute = status == 405 || (status == 404 && (body.contains("no such endpoint") || !body.startsWith("{")));
                if (noRoute || status >= 500) {
                    failures.add(method + " " + path + " -> " + status + " " + body);
                }
            }
        }
        assertTrue(failures.isEmpty(), "documented operations that do not answer: " + failures);
        assertTrue(checked >= 25, "only " + checked + " operations documented");
        // every route of every ApiServlet is in the document: /api lists each API's route count
        JsonNode index = call(null, "GET", "/api", null).json();
        for (JsonNode a : index.get("apis")) {
            assertEquals(a.get("routes").asInt(), perApi.getOrDefault(a.get("name").asText(), 0), "operations of " + a);
        }
        assertEquals(index.get("apis").size(), perApi.size(), perApi.toString());
    }

    @Test
    void platformResources() throws Exception {
        JsonNode status = call("viewer", "GET", "/api/platform/status", null).json();
        assertEquals("workstation", status.get("site").asText(), status.toString());
        assertTrue(status.get("apis").toString().contains("/api/scheduler"), status.toString());
        assertTrue(status.get("bundlesActive").asInt() > 30, status.toString());
        JsonNode hw = call("viewer", "GET", "/api/platform/hardware", null).json();
        assertEquals(Runtime.getRuntime().availableProcessors(), hw.get("cpuCores").asInt());
        assertTrue(hw.has("mismatches"), hw.toString());
        JsonNode bundles = call("viewer", "GET", "/api/platform/bundles?limit=5", null).json();
        assertEquals(5, bundles.get("items").size());
        assertEquals(0, bundles.get("items").get(0).get("id").asInt());
        assertTrue(bundles.has("next"));
        assertEquals(405, call("admin", "DELETE", "/api/platform/bundles", null).status(), "bundles are read-only");

        assertEquals(403, call("operator", "GET", "/api/platform/tokens", null).status());
        JsonNode tokens = call("admin", "GET", "/api/platform/tokens", null).json();
        assertTrue(tokens.toString().contains("test-viewer") && !tokens.toString().contains("sha256"), tokens.toString());

        Answer logs = call("viewer", "GET", "/api/platform/logs?max=50", null);
        assertEquals(200, logs.status(), "the workstation runs Logback, so the platform provides LogAccess: " + logs.body());
        assertTrue(logs.json().size() > 0, logs.body());
        assertEquals(400, call("viewer", "GET", "/api/platform/logs?level=LOUD", null).status());
        assertEquals(400, call("viewer", "GET", "/api/platform/logs?max=0", null).status());
        assertEquals(403, call("operator", "PUT", "/api/platform/loggers/org.kumiki.scheduler", "{\"level\": \"DEBUG\"}").status());
        Answer bad = call("admin", "PUT", "/api/platform/loggers/org.kumiki.scheduler", "{\"level\": \"LOUD\"}");
        assertEquals(400, bad.status(), bad.body());
        Answer set = call("admin", "PUT", "/api/platform/loggers/org.kumiki.scheduler", "{\"level\": \"DEBUG\"}");
        assertEquals(200, set.status(), set.body());
        assertEquals("DEBUG", set.json().get("effectiveLevel").asText());
        assertEquals("DEBUG", call("viewer", "GET", "/api/platform/loggers/org.kumiki.scheduler.internal", null).json().get("effectiveLevel").asText());
        assertEquals(200, call("admin", "PUT", "/api/platform/loggers/org.kumiki.scheduler", "{\"level\": null}").status());
        // follow: a refused call is logged (WARN, by the access control) while we watch
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/platform/logs/events?level=WARN"))
                .header("Authorization", "Bearer " + TOKENS.get("viewer")).build();
        HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            call("viewer", "POST", "/api/scheduler/tasks", "{\"command\": [\"true\"]}");
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            String seen = null;
            for (String l; (l = lines.readLine()) != null;) {
                if (l.startsWith("data: ") && l.contains("access refused") && l.contains("test-viewer")) {
                    seen = l;
                    break;
                }
            }
            assertTrue(seen != null && seen.contains("\"level\":\"WARN\""), String.valueOf(seen));
        }
    }

    @Test
    void aNonLoopbackHostWithoutHttpsIsRefusedAtStartInOneLine(@TempDir Path other) throws Exception {
        int port = freePort();
        Process p = start(other, "-Dorg.osgi.service.http.port=" + port, "-Dorg.apache.felix.http.host=0.0.0.0");
        try {
            Path log = other.resolve("log/kumiki.log");
            String line = "REST API refused: org.apache.felix.http.host=0.0.0.0 is not a loopback address and HTTPS is not enabled";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains(line))) {
                Thread.sleep(100); // polling for the container's start
            }
            String text = Files.readString(log);
            assertEquals(1, text.split(Pattern.quote(line), -1).length - 1, text);
            HttpResponse<String> r = null;
            for (int i = 0; i < 900 && (r == null || r.statusCode() == 404); i++) {
                try {
                    r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/scheduler/tasks"))
                            .header("Authorization", "Bearer x").build(), HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100); // polling for the HTTP server
                }
            }
            assertNotEquals(null, r);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("0.0.0.0 is not a loopback address"), r.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
