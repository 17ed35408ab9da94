package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** /api/campaign over real HTTP (Felix Jetty on a free loopback port) with the command evaluator, tokens made by AccessAdmin. */
class CampaignRestIT {

    private static final AtomicInteger N = new AtomicInteger();

    /** (x - 0.3)^2 as the loss of each point, computed by a real process. */
    static String yaml(String name, int budget, String command) {
        return "name: " + name + "\n"
                + "seed: 5\n"
                + "parameters:\n"
                + "  - {name: x, type: continuous, min: 0, max: 1}\n"
                + "objectives: [{name: loss, goal: minimise}]\n"
                + "budget: {evaluations: " + budget + "}\n"
                + "batchSize: 1\n"
                + "proposer: {kind: sobol}\n"
                + "pipeline:\n"
                + "  - name: run\n"
                + "    evaluator: command\n"
                + "    options:\n"
                + "      command: \"" + command + "\"\n";
    }

    static final String LOSS = "awk -v x={x} 'BEGIN { printf \\\"{\\\\\\\"loss\\\\\\\": %f}\\\\n\\\", (x - 0.3)^2 }'";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    AccessAdmin admin;

    RestClient viewer;
    RestClient operator;
    final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void tokens() throws Exception {
        String base = RestClient.base(context);
        viewer = new RestClient(base, token("c-viewer", Role.VIEWER));
        operator = new RestClient(base, token("c-operator", Role.OPERATOR));
    }

    private String token(String prefix, Role role) {
        String name = prefix + "-" + N.incrementAndGet();
        tokens.add(name);
        return admin.addToken(name, role);
    }

    @AfterEach
    void cleanUp() {
        tokens.forEach(admin::removeToken);
    }

    RestClient.Answer submitYaml(String yaml, String... headers) throws Exception {
        String[] h = new String[headers.length + 2];
        h[0] = "Content-Type";
        h[1] = "application/yaml";
        System.arraycopy(headers, 0, h, 2, headers.length);
        return operator.post("/api/campaign/campaigns", yaml, h);
    }

    @Test
    void submitYamlWatchEachEvaluationEndAndReport() throws Exception {
        String yaml = yaml("rest-quad", 4, LOSS);
        String key = "quad-" + N.incrementAndGet();
        RestClient.Answer a = submitYaml(yaml, "Idempotency-Key", key);
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        assertEquals("/api/campaign/campaigns/" + id, a.header("Location"));
        RestClient.Answer again = submitYaml(yaml, "Idempotency-Key", key);
        assertEquals(201, again.status(), again.text());
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(id, again.json().get("id").asText());

        // the stream replays what ended before it opened, then follows; it ends with the campaign
        List<RestClient.Event> events = viewer.events("/api/campaign/campaigns/" + id + "/events", null, 180, null);
        List<RestClient.Event> evals = events.stream().filter(e -> "evaluation".equals(e.name())).toList();
        assertEquals(4, evals.size(), events.toString());
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 4; i++) {
            RestClient.Event e = evals.get(i);
            assertEquals(String.valueOf(i + 1), e.id(), events.toString());
            assertEquals("COMPLETED", e.data().get("state").asText());
            double x = e.data().get("point").get("x").asDouble();
            assertEquals((x - 0.3) * (x - 0.3), e.data().get("objectives").get("loss").asDouble(), 1e-5, e.toString());
            best = Math.max(best, e.data().get("score").asDouble());
            assertEquals(best, e.data().get("bestScore").asDouble(), 1e-12, e.toString());
        }
        RestClient.Event last = events.get(events.size() - 1);
        assertEquals("state", last.name(), events.toString());
        assertEquals("COMPLETED", last.data().get("state").asText());

        // a reconnect with Last-Event-ID gets only what came after it
        List<RestClient.Event> rest = viewer.events("/api/campaign/campaigns/" + id + "/events", null, 60, null, "Last-Event-ID", "2");
        List<String> ids = rest.stream().filter(e -> "evaluation".equals(e.name())).map(RestClient.Event::id).toList();
        assertEquals(List.of("3", "4"), ids, rest.toString());

        RestClient.Answer status = viewer.get("/api/campaign/campaigns/" + id);
        assertEquals("COMPLETED", status.json().get("state").asText());
        assertEquals(4, status.json().get("done").asInt());
        assertTrue(status.json().get("source").asText().endsWith(".yaml"), status.text());

        RestClient.Answer evPage = viewer.get("/api/campaign/campaigns/" + id + "/evaluations?limit=3");
        assertEquals(3, evPage.json().get("items").size(), evPage.text());
        assertEquals(id + "-2", evPage.json().get("next").asText());
        RestClient.Answer list = viewer.get("/api/campaign/campaigns?state=COMPLETED&name=rest-quad&limit=1000");
        assertTrue(list.text().contains("\"" + id + "\""), list.text());

        RestClient.Answer data = viewer.get("/api/campaign/campaigns/" + id + "/report");
        assertEquals(200, data.status(), data.text());
        assertEquals(4, data.json().get("convergence").size());
        assertEquals(4, data.json().get("evaluations").size());
        RestClient.Answer written = operator.post("/api/campaign/campaigns/" + id + "/report", null);
        assertEquals(201, written.status(), written.text());
        Path page = Path.of(written.json().get("path").asText());
        assertTrue(Files.readString(page).contains("rest-quad"), page.toString());
        assertTrue(Files.isRegularFile(page.resolveSibling("ro-crate-metadata.json")));

        RestClient.Answer pause = operator.post("/api/campaign/campaigns/" + id + "/pause", null);
        assertEquals(409, pause.status(), pause.text());
        assertFalse(pause.error().contains("\n"));
    }

    @Test
    void pauseResumeAndAbortAJsonCampaign() throws Exception {
        String json = "{\"name\": \"rest-slow\", \"parameters\": [{\"name\": \"x\", \"type\": \"continuous\", \"min\": 0, \"max\": 1}],"
                + " \"objectives\": [{\"name\": \"f\", \"goal\": \"max\"}], \"budget\": {\"evaluations\": 50}, \"batchSize\": 1,"
                + " \"proposer\": {\"kind\": \"sobol\"},"
                + " \"pipeline\": [{\"evaluator\": \"command\", \"options\": {\"command\": \"sleep 1; echo '{\\\"f\\\": {x}}'\"}}]}";
        RestClient.Answer a = operator.post("/api/campaign/campaigns", json);
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        String at = "/api/campaign/campaigns/" + id;
        RestClient.Answer p = operator.post(at + "/pause", null);
        assertEquals(200, p.status(), p.text());
        assertEquals("PAUSED", p.json().get("state").asText());
        RestClient.Answer r = operator.post(at + "/resume", null);
        assertEquals(200, r.status(), r.text());
        assertEquals("RUNNING", viewer.get(at).json().get("state").asText());
        RestClient.Answer resumeAgain = operator.post(at + "/resume", null);
        assertEquals(409, resumeAgain.status(), resumeAgain.text());
        // an abort while it runs ends the stream with the ABORTED state
        List<RestClient.Event> events = viewer.events(at + "/events", null, 120, () -> {
            try {
                RestClient.Answer x = operator.call("DELETE", at, null);
                assertEquals(200, x.status(), x.text());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        RestClient.Event last = events.get(events.size() - 1);
        assertEquals("state", last.name(), events.toString());
        assertEquals("ABORTED", last.data().get("state").asText());
        assertTrue(last.data().get("done").asInt() < 50);
        assertEquals(409, operator.post(at + "/abort", null).status());
    }

    @Test
    void hostileInputRolesAndUnknownCampaigns() throws Exception {
        String path = "/api/campaign/campaigns";
        RestClient.Answer bad = submitYaml("name: broken\nparameters: [{name: x, type: continuous, min: 1, max: 0}]\n");
        assertBad(bad, 400, "body");
        assertFalse(bad.error().contains("/submitted/"), bad.error());
        assertBad(submitYaml("name: [unclosed\n"), 400, "body");
        assertBad(operator.post(path, "{\"name\": \"x\", \"nonsense\": 1}"), 400, "nonsense");
        assertBad(operator.post(path, "{\"name\": "), 400, "body");
        assertBad(operator.call("POST", path, "name: x\n", "Content-Type", "text/plain"), 415, "application/yaml");
        assertBad(submitYaml("   \n"), 400, "campaign file");
        assertBad(viewer.get(path + "/nosuch"), 404, "no campaign");
        assertBad(operator.post(path + "/nosuch/pause", null), 404, "no campaign");
        assertBad(viewer.get(path + "/nosuch/report"), 404, "no campaign");
        assertBad(viewer.get(path + "?state=DONE"), 400, "RUNNING");
        assertBad(viewer.post(path, "{}"), 403, "operator");
        assertBad(new RestClient(viewer.base, null).get(path), 401, "bearer token");
        RestClient.Answer one = submitYaml(yaml("rest-one", 1, LOSS));
        assertEquals(201, one.status(), one.text());
        String id = one.json().get("id").asText();
        assertBad(viewer.call("GET", path + "/" + id + "/events", null, "Last-Event-ID", "abc"), 400, "Last-Event-ID");
        assertBad(viewer.call("GET", path + "/" + id + "/events", null, "Last-Event-ID", "-3"), 400, "out of range");
        assertBad(viewer.get(path + "/" + id + "/evaluations?state=GONE"), 400, "SCREENED");
        assertBad(operator.post(path + "/" + id + "/report?baseline=nosuch", null), 400, "baseline");
    }

    static void assertBad(RestClient.Answer a, int status, String fragment) {
        assertEquals(status, a.status(), a.text());
        assertNotNull(a.error(), a.text());
        assertFalse(a.error().contains("\n"), a.error());
        assertTrue(a.error().contains(fragment), a.error() + " should mention " + fragment);
    }
}
