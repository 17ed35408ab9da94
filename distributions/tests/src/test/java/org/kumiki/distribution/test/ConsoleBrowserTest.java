package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.kumiki.distribution.test.DistributionSmokeTest.JAVA;
import static org.kumiki.distribution.test.DistributionSmokeTest.WORKSTATION;

import java.io.InputStream;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The workstation jar's consoles against real clients: the Apache Felix Web Console at
 * /system/console with bearer tokens (no admin/admin), and the Kumiki pages at /console in a real
 * headless browser (Debian's chromium driven by playwright-core, as {@code BrowserReportTest}):
 * log in with a token, every page shows the container's data (a task submitted over REST, a
 * transfer at 100%, the hardware, the models, the runs, a campaign's convergence), and the live
 * plot gains points while a lab scan runs. Skips without node, chromium or playwright-core, fails
 * instead when {@code KUMIKI_REQUIRE_BROWSER=1}.
 */
class ConsoleBrowserTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private static Path browserDir() {
        String d = System.getenv("KUMIKI_BROWSER_DIR");
        return d != null && !d.isBlank() ? Path.of(d) : Path.of(System.getProperty("user.home"), ".cache", "kumiki-browser");
    }

    private static Path chromium() {
        String c = System.getenv("KUMIKI_CHROMIUM");
        return Path.of(c != null && !c.isBlank() ? c : "/usr/bin/chromium");
    }

    private static void requireTools() {
        String missing = null;
        if (!Files.isExecutable(chromium())) {
            missing = chromium() + " is missing (apt-get install chromium)";
        } else if (!Files.isDirectory(browserDir().resolve("node_modules/playwright-core"))) {
            missing = "playwright-core is missing from " + browserDir() + " (scripts/services/browser.sh start)";
        } else if (!onPath("node")) {
            missing = "node is missing (apt-get install nodejs)";
        }
        if (missing != null) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_BROWSER"))) {
                fail("KUMIKI_REQUIRE_BROWSER=1 but " + missing);
            }
            Assumptions.abort("no headless browser: " + missing + "; set KUMIKI_REQUIRE_BROWSER=1 to fail instead");
        }
    }

    private static boolean onPath(String program) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, program))) {
                return true;
            }
        }
        return false;
    }

    private static String newToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String line(String name, String role, String token) throws Exception {
        return name + " " + role + " sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theWebConsoleNeedsAnAdminTokenAndTheKumikiPagesShowTheContainerLive(@TempDir Path dir) throws Exception {
        requireTools();
        assertTrue(Files.isRegularFile(WORKSTATION), WORKSTATION + " not built");
        String admin = newToken();
        String operator = newToken();
        String viewer = newToken();
        Path access = Files.createDirectories(dir.resolve("state/access"));
        Files.setPosixFilePermissions(access, PosixFilePermissions.fromString("rwx------"));
        Path tokens = access.resolve("tokens");
        Files.writeString(tokens, line("root", "admin", admin) + "\n" + line("ops", "operator", operator) + "\n" + line("watcher", "viewer", viewer) + "\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(deploy.resolve("org.kumiki.platform.ssh.cfg"), "port=" + SshConsoleDistributionTest.freePort() + "\n");
        // each reading of the simulated detector takes 0.2 s: a 15-point scan lasts about 3 s
        Files.writeString(deploy.resolve("org.kumiki.lab.sim.cfg"), "detector.exposure=0.2\n");
        // a model to show: a small Gaussian-process surrogate (the kumiki_gp engine of org.kumiki.campaign.surrogate)
        Path model = Files.createDirectories(dir.resolve("state/inference/models/probe-gp/1"));
        Files.writeString(model.getParent().resolve("config.json"),
                "{\"platform\": \"kumiki_gp\", \"max_batch_size\": 0, \"parameters\": {\"campaign\": \"probe\", \"input_columns\": \"t\"}}");
        Files.writeString(model.resolve("model.json"), "{\"campaignId\": \"probe\", \"campaignName\": \"probe\", \"proposedSoFar\": 2, "
                + "\"kernel\": \"matern52\", \"encoding\": \"unit-cube/1\", "
                + "\"parameters\": [{\"name\": \"t\", \"type\": \"CONTINUOUS\", \"min\": 0.0, \"max\": 1.0, \"values\": [], \"unit\": null}], "
                + "\"objectives\": [{\"name\": \"y\", \"goal\": \"MAXIMISE\", \"target\": 0.0, \"weight\": 1.0, \"unit\": null}], "
                + "\"inputs\": [[0.2], [0.8]], \"targets\": [0.5, -0.5], \"targetOffset\": 0.0, \"targetScale\": 1.0, \"lengthScales\": [0.3], "
                + "\"signalVariance\": 1.0, \"noiseVariance\": 0.0001, \"logMarginalLikelihood\": 0.0}");
        Path src = Files.createDirectories(dir.resolve("transfer-src"));
        for (int i = 0; i < 5; i++) {
            Files.write(src.resolve("file-" + i + ".bin"), new byte[64 * 1024 + i]);
        }
        int port = SshConsoleDistributionTest.freePort();
        String base = "http://127.0.0.1:" + port;
        Process kumiki = new ProcessBuilder(JAVA, "-Dorg.osgi.service.http.port=" + port, "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("kumiki.out").toFile()).start();
        try {
            awaitApi(base + "/api/platform/status", viewer, dir);
            awaitWebConsole(base + "/system/console/bundles.json", dir);

            // the Apache Felix Web Console: an admin token only, never admin/admin
            HttpResponse<String> none = get(base + "/system/console/bundles.json", null);
            assertEquals(401, none.statusCode(), none.body());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), none.headers().toString());
            assertEquals(1, none.body().strip().lines().count(), none.body());
            assertEquals(401, get(base + "/system/console/bundles.json", basic("admin", "admin")).statusCode(), "admin/admin is refused");
            assertEquals(401, get(base + "/system/console/bundles.json", "Basic !!notbase64").statusCode());
            HttpResponse<String> asViewer = get(base + "/system/console/bundles.json", basic("watcher", viewer));
            assertEquals(403, asViewer.statusCode(), asViewer.body());
            assertTrue(asViewer.body().contains("admin"), asViewer.body());
            assertEquals(403, get(base + "/system/console/bundles.json", "Bearer " + operator).statusCode());
            HttpResponse<String> bundles = get(base + "/system/console/bundles.json", basic("anyone", admin));
            assertEquals(200, bundles.statusCode(), bundles.body());
            assertTrue(bundles.body().contains("org.kumiki.platform.console"), "the bundle list shows the console bundle");
            assertEquals(200, get(base + "/system/console/configMgr", "Bearer " + admin).statusCode());

            // the data the pages must show, made through the REST API as a user would
            HttpResponse<String> task = send(HttpRequest.newBuilder(URI.create(base + "/api/scheduler/tasks"))
                    .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"console-probe-task\", \"command\": [\"sh\", \"-c\", \"echo hi\"]}")));
            assertEquals(201, task.statusCode(), task.body());
            String transferBody = "{\"label\": \"console-probe-transfer\", \"items\": [{\"source\": \"" + src.toUri() + "\", \"destination\": \""
                    + dir.resolve("transfer-dst").toUri() + "\", \"recursive\": true}]}";
            HttpResponse<String> transfer = send(HttpRequest.newBuilder(URI.create(base + "/api/data/transfers"))
                    .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(transferBody)));
            assertEquals(201, transfer.statusCode(), transfer.body());
            boolean campaignApi = get(base + "/api/campaign/campaigns", "Bearer " + viewer).statusCode() == 200;
            String campaignId = null;
            if (campaignApi) {
                String yaml = Files.readString(DistributionSmokeTest.DISTRIBUTIONS.resolve("../examples/campaigns/sweep.yaml"));
                HttpResponse<String> campaign = send(HttpRequest.newBuilder(URI.create(base + "/api/campaign/campaigns"))
                        .header("Authorization", "Bearer " + operator).header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(yaml)));
                assertEquals(201, campaign.statusCode(), campaign.body());
                campaignId = new ObjectMapper().readTree(campaign.body()).get("id").asText();
            }
            boolean modelsApi = get(base + "/api/inference/models", "Bearer " + viewer).statusCode() == 200;
            if (modelsApi) { // the model is ready once its engine has come: then one request for the statistics
                awaitText(base + "/api/inference/models/probe-gp", viewer, "\"READY\"", dir);
                HttpResponse<String> infer = send(HttpRequest.newBuilder(URI.create(base + "/v2/models/probe-gp/infer"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 1], \"datatype\": \"FP64\", \"data\": [0.5]}]}")));
                assertEquals(200, infer.statusCode(), infer.body());
            }

            JsonNode r = browse(dir, base, viewer, operator, campaignId, modelsApi ? "probe-gp" : null);

            assertEquals(List.of(), list(r.get("errors")), "no console errors, page errors, dialogs or requests to other hosts");
            List<String> expectedFailures = new ArrayList<>(List.of("401 /api/platform/status")); // the wrong token, once
            if (!modelsApi) {
                expectedFailures.add("404 /api/inference/models?limit=1000");
            }
            if (!campaignApi) {
                expectedFailures.add("404 /api/campaign/campaigns?limit=200");
            }
            for (String f : list(r.get("failed"))) {
                assertTrue(expectedFailures.contains(f), "unexpected answer " + f + " (all: " + r.get("failed") + ")");
            }
            assertTrue(list(r.get("failed")).contains("401 /api/platform/status"), r.get("failed").toString());
            assertTrue(r.get("badLogin").asText().startsWith("login refused"), r.get("badLogin").asText());
            assertTrue(r.get("badLoginStored").isNull(), "a refused token is not kept");
            assertTrue(r.get("tokenStored").asBoolean(), "the token is kept in sessionStorage");
            assertEquals("5.3.1", r.get("echarts").asText(), "the bundled ECharts ran");
            assertTrue(r.get("hardware").asText().contains("CPU cores"), r.get("hardware").asText());
            assertTrue(r.get("hardware").asText().matches("(?s).*Architecture(x86_64|aarch64).*"), r.get("hardware").asText());
            assertFalse(r.get("mismatchVerdict").asText().isBlank());
            assertTrue(r.get("tasks").asText().contains("console-probe-task"), r.get("tasks").asText());
            assertTrue(r.get("transfers").asText().contains("console-probe-transfer"), r.get("transfers").asText());
            boolean full = false;
            for (JsonNode p : r.get("progressBars")) {
                full |= p.asDouble() >= 0.999;
            }
            assertTrue(full, "a full progress bar: " + r.get("progressBars"));
            if (modelsApi) {
                assertTrue(r.get("models").asText().contains("probe-gpREADY"), "the models table: " + r.get("models"));
                assertTrue(r.get("modelStats").asText().contains("probe-gp:11"), "one request in the statistics: " + r.get("modelStats"));
                assertEquals(1, r.get("modelBars").asInt(), "one bar per model version in the chart");
            } else {
                assertTrue(r.get("modelsStatus").asText().startsWith("not available here"), r.get("modelsStatus").asText());
            }

            // the live plot: points arrived one after another while the scan ran, then all 15
            assertEquals(201, r.get("runSubmit").get("status").asInt(), r.get("runSubmit").toString());
            assertTrue(r.get("liveEnded").asBoolean(), r.get("liveState").asText());
            List<Integer> seen = new ArrayList<>();
            r.get("livePointsSeen").forEach(n -> seen.add(n.asInt()));
            assertEquals(15, seen.get(seen.size() - 1), "every point of the scan is plotted: " + seen);
            long during = seen.stream().filter(n -> n > 0 && n < 15).count();
            assertTrue(during >= 3, "the plot grew while the scan ran, not at its end: " + seen);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) >= seen.get(i - 1) || seen.get(i) == 0, "points only grow within a scan: " + seen);
            }
            assertEquals(15, r.get("liveSeries").asInt(), "the chart's series holds the points");
            assertTrue(r.get("runs").asText().contains("scan"), r.get("runs").asText());

            if (campaignApi) {
                assertTrue(r.get("campaigns").asText().contains(campaignId), r.get("campaigns").asText());
                assertTrue(r.get("campaignPoints").asInt() >= 9, "one convergence point per evaluation: " + r.get("campaignPoints"));
                assertEquals(r.get("campaignPoints").asInt(), r.get("campaignSeries").asInt());
            } else {
                assertTrue(r.get("campaignsStatus").asText().startsWith("not available here"), r.get("campaignsStatus").asText());
            }
            assertTrue(r.get("tokenAfterLogout").isNull(), "logging out forgets the token");

            String console = Files.readString(dir.resolve("kumiki.out"));
            assertFalse(console.contains(admin) || console.contains(operator) || console.contains(viewer), "a token was printed");
            assertFalse(console.contains("Legacy webconsole plugin found"), "the Web Console's notices about its own plugins: " + console);
        } finally {
            kumiki.destroy();
            assertTrue(kumiki.waitFor(60, TimeUnit.SECONDS), "did not stop on SIGTERM");
        }
    }

    private void awaitApi(String url, String token, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(url, "Bearer " + token);
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        fail("the REST API did not answer: " + last + "\n" + Files.readString(dir.resolve("kumiki.out")));
    }

    private void awaitText(String url, String token, String text, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(url, "Bearer " + token).body();
            if (last.contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        fail(url + " never said " + text + ": " + last + "\n" + Files.readString(dir.resolve("kumiki.out")));
    }

    /**
     * The Web Console registers a little after the REST API, and refuses every request (404 from
     * the catch-all servlet, or 500 while it waits for the required token provider) until it is
     * whole: wait for its own 401.
     */
    private void awaitWebConsole(String url, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int last = 0;
        while (System.nanoTime() < deadline) {
            last = get(url, null).statusCode();
            if (last == 401) {
                return;
            }
            Thread.sleep(250);
        }
        fail("the Web Console did not register: " + last + "\n" + Files.readString(dir.resolve("kumiki.out")));
    }

    private JsonNode browse(Path dir, String base, String viewer, String operator, String campaignId, String model) throws Exception {
        Path script = dir.resolve("check.js");
        try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/console/check.js")) {
            Files.copy(in, script);
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString());
        pb.environment().put("NODE_PATH", browserDir().resolve("node_modules").toString());
        pb.environment().put("KUMIKI_CHROMIUM", chromium().toString());
        pb.environment().put("KUMIKI_URL", base);
        pb.environment().put("KUMIKI_VIEWER", viewer);
        pb.environment().put("KUMIKI_OPERATOR", operator);
        if (model != null) {
            pb.environment().put("KUMIKI_MODEL", model);
        }
        if (campaignId != null) {
            pb.environment().put("KUMIKI_CAMPAIGN", campaignId);
        }
        pb.redirectError(dir.resolve("check.err").toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        // generous: chromium starts slowly on a loaded machine, and the campaign runs nine MD points
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("check.js did not finish within 600 s");
        }
        String stdout = new String(out, StandardCharsets.UTF_8).trim();
        String stderr = Files.readString(dir.resolve("check.err"));
        assertEquals(0, p.exitValue(), "check.js failed: " + stderr + stdout + "\n" + Files.readString(dir.resolve("kumiki.out")));
        String[] lines = stdout.split("\n");
        String last = lines[lines.length - 1];
        String logDir = System.getProperty("kumiki.log.dir");
        if (logDir != null) { // what the browser saw, for whoever reads a failure
            Files.createDirectories(Path.of(logDir));
            Files.writeString(Path.of(logDir, "console-browser.json"), last + "\n");
        }
        return new ObjectMapper().readTree(last);
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
