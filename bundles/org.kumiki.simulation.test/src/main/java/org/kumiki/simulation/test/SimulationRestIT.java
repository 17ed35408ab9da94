package org.kumiki.simulation.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;

/** The simulation REST API (/api/simulation) over real HTTP with the embedded md engine. */
class SimulationRestIT {

    @InjectBundleContext
    BundleContext context;

    /** Bearer tokens written, as SHA-256 digests, into the platform's tokens file, which its AccessControl reads. */
    static final String VIEWER = "viewer-token-1";
    static final String OPERATOR = "operator-token-1";
    static final String ADMIN = "admin-token-1";
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static String base;

    RestClient viewer;
    RestClient operator;
    RestClient anonymous;

    /** Writes the tokens file once, finds Felix Jetty's port, and waits until {@code probe} answers 200 to the viewer. */
    private void connect(String probe) throws Exception {
        synchronized (SimulationRestIT.class) {
            if (base == null) {
                ServiceReference<Installation> ref = context.getServiceReference(Installation.class);
                if (ref == null) {
                    throw new AssertionError("no Installation service");
                }
                RestClient.writeTokens(context.getService(ref).stateDirectory("access"),
                        new String[] {"viewer", "viewer", VIEWER}, new String[] {"operator", "operator", OPERATOR}, new String[] {"admin", "admin", ADMIN});
                base = RestClient.base(context);
            }
        }
        viewer = new RestClient(base, VIEWER, TIMEOUT);
        operator = new RestClient(base, OPERATOR, TIMEOUT);
        anonymous = new RestClient(base, null, TIMEOUT);
        viewer.awaitOk(probe);
    }

    private static final String SMALL = "{\"name\":\"rest-md\",\"engine\":\"md\",\"cellsX\":4,\"cellsY\":4,\"cellsZ\":4,\"steps\":400,\"thermoEvery\":50,\"threads\":1}";

    @Test
    void tokensRolesAndHostileInput() throws Exception {
        connect("/api/simulation/engines");
        anonymous.get("/api/simulation/runs").error(401, "bearer token is required");
        viewer.post("/api/simulation/runs", SMALL).error(403, "needs the operator role");
        JsonNode engines = viewer.get("/api/simulation/engines").json(200);
        List<String> names = new ArrayList<>();
        engines.forEach(e -> names.add(e.get("name").asText()));
        assertTrue(names.contains("md"), names.toString());

        operator.post("/api/simulation/runs", "{\"steps\": 10").error(400, "line 1");
        operator.post("/api/simulation/runs", "{\"stepz\": 10}").error(400, "unknown property \"stepz\"");
        operator.post("/api/simulation/runs", "{\"steps\": \"ten\"}").error(400, "property \"steps\"");
        operator.post("/api/simulation/runs", "{\"engine\": \"md\", \"steps\": -5, \"cellsX\": 4, \"cellsY\": 4, \"cellsZ\": 4}").error(400, "steps");
        operator.post("/api/simulation/runs", "{\"engine\": \"gromacs-9\"}").error(400, "unknown engine 'gromacs-9'");
        operator.post("/api/simulation/runs", "{\"engine\": \"md\", \"density\": 0}").error(400, "density");
        operator.post("/api/simulation/runs", "[1,2]").error(400, "");
        operator.post("/api/simulation/runs", "x", "Content-Type", "text/plain").error(415, "application/json");
        viewer.get("/api/simulation/runs/run-nope").error(404, "no run 'run-nope'");
        viewer.get("/api/simulation/runs/run-nope/results").error(404, "no run");
        operator.call("DELETE", "/api/simulation/runs/run-nope", null).error(404, "no run");
        viewer.get("/api/simulation/runs?state=DONE").error(400, "state=");
        viewer.get("/api/simulation/runs?limit=100000").error(400, "out of range");
        viewer.get("/api/simulation/sweeps/sweep-nope").error(404, "no sweep");
        operator.post("/api/simulation/sweeps", "{\"grid\": {\"pressure\": [1.0]}}").error(400, "pressure");
        operator.post("/api/simulation/sweeps", "{\"grid\": {}}").error(400, "empty grid");
        JsonNode api = anonymous.get("/api/openapi.json").json(200);
        for (String path : List.of("/api/simulation/engines", "/api/simulation/runs", "/api/simulation/runs/{id}", "/api/simulation/runs/{id}/stream",
                "/api/simulation/runs/{id}/results", "/api/simulation/sweeps/{id}/results")) {
            assertTrue(api.get("paths").has(path), path);
        }
    }

    @Test
    void aRunStreamsItsThermoRowsAndIsSubmittedOnce() throws Exception {
        connect("/api/simulation/engines");
        RestClient.Answer r = operator.post("/api/simulation/runs", SMALL, "Idempotency-Key", "sim-rest-1");
        JsonNode run = r.json(201);
        String id = run.get("id").asText();
        assertEquals("/api/simulation/runs/" + id, r.header("Location"));
        RestClient.Answer again = operator.post("/api/simulation/runs", SMALL, "Idempotency-Key", "sim-rest-1");
        assertEquals(id, again.json(201).get("id").asText());
        assertEquals("true", again.header("Idempotent-Replayed"));

        List<Long> steps = new ArrayList<>();
        JsonNode end = null;
        try (RestClient.EventStream sse = viewer.open("/api/simulation/runs/" + id + "/stream")) {
            RestClient.Event e;
            while ((e = sse.next()) != RestClient.EventStream.END) {
                if ("thermo".equals(e.name())) {
                    long step = e.data().get("step").asLong();
                    assertEquals(Long.toString(step), e.id());
                    steps.add(step);
                } else if ("end".equals(e.name())) {
                    end = e.data();
                }
            }
        }
        assertEquals("COMPLETED", end.get("state").asText(), String.valueOf(end));
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s <= 400; s += 50) {
            expected.add(s);
        }
        assertEquals(expected, steps, "every thermo row once, in order");

        JsonNode results = viewer.get("/api/simulation/runs/" + id + "/results").json(200);
        assertEquals(9, results.get("thermo").size());
        assertEquals(256, results.get("atoms").asLong());
        operator.post("/api/simulation/runs/" + id + "/cancel", null).error(409, "already ended (COMPLETED)");
        // a reconnect after step 300 gets the rest only
        try (RestClient.EventStream sse = viewer.open("/api/simulation/runs/" + id + "/stream", "Last-Event-ID", "300")) {
            RestClient.Event e = sse.next();
            assertEquals("350", e.id());
        }
        viewer.call("GET", "/api/simulation/runs/" + id + "/stream", null, "Last-Event-ID", "-1").error(400, "not a step");
        JsonNode list = viewer.get("/api/simulation/runs?state=COMPLETED&engine=md").json(200);
        boolean found = false;
        for (JsonNode n : list.get("items")) {
            found |= n.get("id").asText().equals(id);
        }
        assertTrue(found);
    }

    @Test
    void aLongRunIsCancelled() throws Exception {
        connect("/api/simulation/engines");
        JsonNode run = operator.post("/api/simulation/runs", "{\"engine\":\"md\",\"cellsX\":6,\"cellsY\":6,\"cellsZ\":6,\"steps\":100000000,\"thermoEvery\":100,\"threads\":1}").json(201);
        String id = run.get("id").asText();
        JsonNode cancelled = operator.call("DELETE", "/api/simulation/runs/" + id, null).json(200);
        assertEquals(id, cancelled.get("id").asText());
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state;
        do {
            state = viewer.get("/api/simulation/runs/" + id).json(200).get("state").asText();
            Thread.sleep(20);
        } while (!state.equals("CANCELLED") && System.nanoTime() < deadline);
        assertEquals("CANCELLED", state);
    }

    @Test
    void aSweepRunsAndGivesItsPoints() throws Exception {
        connect("/api/simulation/engines");
        String body = "{\"name\":\"rest-sweep\",\"base\":{\"engine\":\"md\",\"cellsX\":4,\"cellsY\":4,\"cellsZ\":4,\"steps\":50,\"threads\":1},"
                + "\"grid\":{\"temperature\":[1.0,1.2]}}";
        RestClient.Answer r = operator.post("/api/simulation/sweeps", body);
        JsonNode sweep = r.json(201);
        String id = sweep.get("id").asText();
        assertEquals("/api/simulation/sweeps/" + id, r.header("Location"));
        assertEquals(2, sweep.get("points").asInt());
        long deadline = System.nanoTime() + 120_000_000_000L;
        JsonNode s;
        do {
            Thread.sleep(50);
            s = viewer.get("/api/simulation/sweeps/" + id).json(200);
        } while (!List.of("COMPLETED", "FAILED").contains(s.get("state").asText()) && System.nanoTime() < deadline);
        assertEquals("COMPLETED", s.get("state").asText(), s.toString());
        JsonNode points = viewer.get("/api/simulation/sweeps/" + id + "/results").json(200);
        assertEquals(2, points.size());
        assertEquals(1.2, points.get(1).get("parameters").get("temperature").asDouble());
        assertFalse(Double.isNaN(points.get(1).get("finalTemperature").asDouble()));
        boolean listed = false;
        for (JsonNode n : viewer.get("/api/simulation/sweeps").json(200).get("items")) {
            listed |= n.get("id").asText().equals(id);
        }
        assertTrue(listed);
    }
}
