package org.kumiki.inference.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** /api/inference over real HTTP beside OIP v2 (Felix Jetty on a free loopback port), tokens made by AccessAdmin. */
class InferenceRestIT {

    private static final AtomicInteger N = new AtomicInteger();

    @InjectBundleContext
    BundleContext context;
    @InjectService
    Installation installation;
    @InjectService(timeout = 30_000)
    AccessAdmin admin;

    RestClient viewer;
    RestClient operator;
    final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void tokens() throws Exception {
        String base = RestClient.base(context);
        viewer = new RestClient(base, token("i-viewer", Role.VIEWER));
        operator = new RestClient(base, token("i-operator", Role.OPERATOR));
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

    Path repo() {
        return installation.stateDirectory("inference").resolve("models");
    }

    @Test
    void loadInferThroughOipReadStatisticsAndUnload() throws Exception {
        TestModels.install(repo(), "rest_mlp", "1", TestModels.mlp(), "{\"max_batch_size\": 8}");
        TestModels.install(repo(), "rest_mlp", "2", TestModels.mlp(), "{\"max_batch_size\": 8}");
        RestClient.Answer before = viewer.get("/api/inference/models/rest_mlp");
        assertEquals(200, before.status(), before.text());
        assertEquals("UNAVAILABLE", before.json().get("state").asText(), before.text());
        assertEquals(0, before.json().get("versions").size());

        RestClient.Answer loaded = operator.post("/api/inference/models/rest_mlp/load", null);
        assertEquals(200, loaded.status(), loaded.text());
        assertEquals("READY", loaded.json().get("state").asText(), loaded.text());
        assertEquals("[\"2\",\"1\"]", loaded.json().get("versions").toString());
        assertEquals("/v2/models/rest_mlp/infer", loaded.json().get("links").get("infer").asText());
        JsonNode v = loaded.json().get("status").get(0);
        assertEquals("onnxruntime_onnx", v.get("platform").asText(), v.toString());

        // infer through the OIP v2 link the model names, then read the counters here
        String infer = "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [2, 4], \"data\": [1, 2, 3, 4, 5, 6, 7, 8]}]}";
        RestClient.Answer r = viewer.post(loaded.json().get("links").get("infer").asText(), infer);
        assertEquals(200, r.status(), r.text());
        RestClient.Answer stats = viewer.get("/api/inference/models/rest_mlp/statistics");
        assertEquals(200, stats.status(), stats.text());
        long success = 0;
        long rows = 0;
        for (JsonNode s : stats.json()) {
            assertEquals("rest_mlp", s.get("name").asText());
            success += s.get("requestSuccess").asLong();
            rows += s.get("inferenceCount").asLong();
        }
        assertEquals(1, success, stats.text());
        assertEquals(2, rows, stats.text());
        boolean listed = false;
        for (JsonNode s : viewer.get("/api/inference/statistics").json()) {
            listed |= s.get("name").asText().equals("rest_mlp");
        }
        assertTrue(listed);

        // listing by name with paging and a state filter
        RestClient.Answer ready = viewer.get("/api/inference/models?state=READY&limit=1000");
        assertEquals(200, ready.status(), ready.text());
        boolean found = false;
        for (JsonNode m : ready.json().get("items")) {
            assertEquals("READY", m.get("state").asText());
            found |= m.get("name").asText().equals("rest_mlp");
        }
        assertTrue(found, ready.text());

        RestClient.Answer unloaded = operator.post("/api/inference/models/rest_mlp/unload", null);
        assertEquals(200, unloaded.status(), unloaded.text());
        assertEquals("UNAVAILABLE", unloaded.json().get("state").asText(), unloaded.text());
        assertBad(operator.post("/api/inference/models/rest_mlp/unload", null), 409, "not loaded");
        assertBad(viewer.get("/api/inference/models/rest_mlp/statistics"), 409, "not loaded");
    }

    @Test
    void hostileInputRolesAndUnknownModels() throws Exception {
        assertBad(new RestClient(viewer.base, null).get("/api/inference/models"), 401, "bearer token");
        assertBad(viewer.post("/api/inference/models/x/load", null), 403, "operator");
        assertBad(viewer.get("/api/inference/models/no_such_model"), 404, "no_such_model");
        assertBad(operator.post("/api/inference/models/no_such_model/load", null), 404, "no_such_model");
        assertBad(operator.post("/api/inference/models/bad%20name/load", null), 400, "not valid");
        assertBad(operator.post("/api/inference/models/" + "m".repeat(200) + "/load", null), 400, "not valid");
        assertBad(viewer.get("/api/inference/models?state=GREEN"), 400, "READY");
        assertBad(viewer.get("/api/inference/models?limit=100000"), 400, "limit");
        assertBad(viewer.call("DELETE", "/api/inference/models/x", null), 405, "GET");
        RestClient.Answer index = viewer.get("/api/inference");
        assertEquals(200, index.status(), index.text());
        assertEquals("/v2", index.json().get("oip").asText());
    }

    static void assertBad(RestClient.Answer a, int status, String fragment) {
        assertEquals(status, a.status(), a.text());
        assertNotNull(a.error(), a.text());
        assertFalse(a.error().contains("\n"), a.error());
        assertTrue(a.error().contains(fragment), a.error() + " should mention " + fragment);
    }
}
