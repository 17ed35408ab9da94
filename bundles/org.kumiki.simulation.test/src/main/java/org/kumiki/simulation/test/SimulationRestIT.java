package org.kumiki.simulation.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;

/** The simulation REST API (/api/simulation) over real HTTP with the embedded md engine. */
class SimulationRestIT {

    @InjectBundleContext
    BundleContext context;

    private static final String SMALL = "{\"name\":\"rest-md\",\"engine\":\"md\",\"cellsX\":4,\"cellsY\":4,\"cellsZ\":4,\"steps\":400,\"thermoEvery\":50,\"threads\":1}";

    @Test
    void tokensRolesAndHostileInput() throws Exception {
        Rest.base(context, "/api/simulation/engines");
        Rest.error(Rest.get("/api/simulation/runs", null), 401, "bearer token is required");
        Rest.error(Rest.post("/api/simulation/runs", Rest.VIEWER, SMALL), 403, "needs the operator role");
        JsonNode engines = Rest.json(Rest.get("/api/simulation/engines", Rest.VIEWER), 200);
        List<String> names = new ArrayList<>();
        engines.forEach(e -> names.add(e.get("name").asText()));
        assertTrue(names.contains("md"), names.toString());

        String op = Rest.OPERATOR;
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"steps\": 10"), 400, "line 1");
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"stepz\": 10}"), 400, "unknown property \"stepz\"");
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"steps\": \"ten\"}"), 400, "property \"steps\"");
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"engine\": \"md\", \"steps\": -5, \"cellsX\": 4, \"cellsY\": 4, \"cellsZ\": 4}"), 400, "steps");
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"engine\": \"gromacs-9\"}"), 400, "unknown engine 'gromacs-9'");
        Rest.error(Rest.post("/api/simulation/runs", op, "{\"engine\": \"md\", \"density\": 0}"), 400, "density");
        Rest.error(Rest.post("/api/simulation/runs", op, "[1,2]"), 400, "");
        Rest.error(Rest.post("/api/simulation/runs", op, "x", "Content-Type", "text/plain"), 415, "application/json");
        Rest.error(Rest.get("/api/simulation/runs/run-nope", Rest.VIEWER), 404, "no run 'run-nope'");
        Rest.error(Rest.get("/api/simulation/runs/run-nope/results", Rest.VIEWER), 404, "no run");
        Rest.error(Rest.send("DELETE", "/api/simulation/runs/run-nope", op, null), 404, "no run");
        Rest.error(Rest.get("/api/simulation/runs?state=DONE", Rest.VIEWER), 400, "state=");
        Rest.error(Rest.get("/api/simulation/runs?limit=100000", Rest.VIEWER), 400, "out of range");
        Rest.error(Rest.get("/api/simulation/sweeps/sweep-nope", Rest.VIEWER), 404, "no sweep");
        Rest.error(Rest.post("/api/simulation/sweeps", op, "{\"grid\": {\"pressure\": [1.0]}}"), 400, "pressure");
        Rest.error(Rest.post("/api/simulation/sweeps", op, "{\"grid\": {}}"), 400, "empty grid");
        JsonNode api = Rest.json(Rest.get("/api/openapi.json", null), 200);
        for (String path : List.of("/api/simulation/engines", "/api/simulation/runs", "/api/simulation/runs/{id}", "/api/simulation/runs/{id}/stream",
                "/api/simulation/runs/{id}/results", "/api/simulation/sweeps/{id}/results")) {
            assertTrue(api.get("paths").has(path), path);
        }
    }

    @Test
    void aRunStreamsItsThermoRowsAndIsSubmittedOnce() throws Exception {
        Rest.base(context, "/api/simulation/engines");
        HttpResponse<byte[]> r = Rest.post("/api/simulation/runs", Rest.OPERATOR, SMALL, "Idempotency-Key", "sim-rest-1");
        JsonNode run = Rest.json(r, 201);
        String id = run.get("id").asText();
        assertEquals("/api/simulation/runs/" + id, Rest.headers(r).get("Location"));
        HttpResponse<byte[]> again = Rest.post("/api/simulation/runs", Rest.OPERATOR, SMALL, "Idempotency-Key", "sim-rest-1");
        assertEquals(id, Rest.json(again, 201).get("id").asText());
        assertEquals("true", Rest.headers(again).get("Idempotent-Replayed"));

        List<Long> steps = new ArrayList<>();
        JsonNode end = null;
        try (Rest.Sse sse = new Rest.Sse("/api/simulation/runs/" + id + "/stream", Rest.VIEWER)) {
            Rest.Event e;
            while ((e = sse.next()) != Rest.Sse.END) {
                if ("thermo".equals(e.event())) {
                    long step = e.json().get("step").asLong();
                    assertEquals(Long.toString(step), e.id());
                    steps.add(step);
                } else if ("end".equals(e.event())) {
                    end = e.json();
                }
            }
        }
        assertEquals("COMPLETED", end.get("state").asText(), String.valueOf(end));
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s <= 400; s += 50) {
            expected.add(s);
        }
        assertEquals(expected, steps, "every thermo row once, in order");

        JsonNode results = Rest.json(Rest.get("/api/simulation/runs/" + id + "/results", Rest.VIEWER), 200);
        assertEquals(9, results.get("thermo").size());
        assertEquals(256, results.get("atoms").asLong());
        Rest.error(Rest.post("/api/simulation/runs/" + id + "/cancel", Rest.OPERATOR, null), 409, "already ended (COMPLETED)");
        // a reconnect after step 300 gets the rest only
        try (Rest.Sse sse = new Rest.Sse("/api/simulation/runs/" + id + "/stream", Rest.VIEWER, "Last-Event-ID", "300")) {
            Rest.Event e = sse.next();
            assertEquals("350", e.id());
        }
        Rest.error(Rest.get("/api/simulation/runs/" + id + "/stream", Rest.VIEWER, "Last-Event-ID", "-1"), 400, "not a step");
        JsonNode list = Rest.json(Rest.get("/api/simulation/runs?state=COMPLETED&engine=md", Rest.VIEWER), 200);
        boolean found = false;
        for (JsonNode n : list.get("items")) {
            found |= n.get("id").asText().equals(id);
        }
        assertTrue(found);
    }

    @Test
    void aLongRunIsCancelled() throws Exception {
        Rest.base(context, "/api/simulation/engines");
        JsonNode run = Rest.json(Rest.post("/api/simulation/runs", Rest.OPERATOR,
                "{\"engine\":\"md\",\"cellsX\":6,\"cellsY\":6,\"cellsZ\":6,\"steps\":100000000,\"thermoEvery\":100,\"threads\":1}"), 201);
        String id = run.get("id").asText();
        JsonNode cancelled = Rest.json(Rest.send("DELETE", "/api/simulation/runs/" + id, Rest.OPERATOR, null), 200);
        assertEquals(id, cancelled.get("id").asText());
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state;
        do {
            state = Rest.json(Rest.get("/api/simulation/runs/" + id, Rest.VIEWER), 200).get("state").asText();
            Thread.sleep(20);
        } while (!state.equals("CANCELLED") && System.nanoTime() < deadline);
        assertEquals("CANCELLED", state);
    }

    @Test
    void aSweepRunsAndGivesItsPoints() throws Exception {
        Rest.base(context, "/api/simulation/engines");
        String body = "{\"name\":\"rest-sweep\",\"base\":{\"engine\":\"md\",\"cellsX\":4,\"cellsY\":4,\"cellsZ\":4,\"steps\":50,\"threads\":1},"
                + "\"grid\":{\"temperature\":[1.0,1.2]}}";
        HttpResponse<byte[]> r = Rest.post("/api/simulation/sweeps", Rest.OPERATOR, body);
        JsonNode sweep = Rest.json(r, 201);
        String id = sweep.get("id").asText();
        assertEquals("/api/simulation/sweeps/" + id, Rest.headers(r).get("Location"));
        assertEquals(2, sweep.get("points").asInt());
        long deadline = System.nanoTime() + 120_000_000_000L;
        JsonNode s;
        do {
            Thread.sleep(50);
            s = Rest.json(Rest.get("/api/simulation/sweeps/" + id, Rest.VIEWER), 200);
        } while (!List.of("COMPLETED", "FAILED").contains(s.get("state").asText()) && System.nanoTime() < deadline);
        assertEquals("COMPLETED", s.get("state").asText(), s.toString());
        JsonNode points = Rest.json(Rest.get("/api/simulation/sweeps/" + id + "/results", Rest.VIEWER), 200);
        assertEquals(2, points.size());
        assertEquals(1.2, points.get(1).get("parameters").get("temperature").asDouble());
        assertFalse(Double.isNaN(points.get(1).get("finalTemperature").asDouble()));
        boolean listed = false;
        for (JsonNode n : Rest.json(Rest.get("/api/simulation/sweeps", Rest.VIEWER), 200).get("items")) {
            listed |= n.get("id").asText().equals(id);
        }
        assertTrue(listed);
    }
}
