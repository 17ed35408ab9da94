package org.kumiki.lab.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.RunEngine;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The lab REST API (/api/lab) over real HTTP against the simulated bench. */
class LabRestIT {

    @InjectBundleContext
    BundleContext context;

    private RunEngine ready(RunEngine engine) throws Exception {
        LabIT.awaitDevices(engine, "m1", "m2", "det1");
        Rest.base(context, "/api/lab/engine");
        assertTrue(engine.awaitState(30_000, EngineState.IDLE), "engine idle");
        return engine;
    }

    @Test
    void tokensAndRolesAreEnforced(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        HttpResponse<byte[]> none = Rest.get("/api/lab/engine", null);
        Rest.error(none, 401, "bearer token is required");
        assertEquals("Bearer realm=\"kumiki\"", Rest.headers(none).get("WWW-Authenticate"));
        Rest.error(Rest.get("/api/lab/engine", "not-a-token"), 401, "not valid");
        Rest.error(Rest.post("/api/lab/runs", Rest.VIEWER, "{\"plan\":\"count\",\"detectors\":[\"det1\"]}"), 403, "needs the operator role");
        Rest.error(Rest.post("/api/lab/estop", Rest.VIEWER, null), 403, "needs the operator role");
        Rest.error(Rest.post("/api/lab/estop/reset", Rest.OPERATOR, null), 403, "needs the admin role");
        Rest.error(Rest.get("/api/lab/nothing", Rest.VIEWER), 404, "no such endpoint");
        HttpResponse<byte[]> wrongMethod = Rest.send("DELETE", "/api/lab/plans", Rest.ADMIN, null);
        Rest.error(wrongMethod, 405, "DELETE is not allowed");
        assertEquals("GET", Rest.headers(wrongMethod).get("Allow"));
    }

    @Test
    void devicesAndPlansAreListedAndDescribed(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        JsonNode all = Rest.json(Rest.get("/api/lab/devices", Rest.VIEWER), 200);
        List<String> names = new ArrayList<>();
        all.get("items").forEach(d -> names.add(d.get("name").asText()));
        assertTrue(names.containsAll(List.of("m1", "m2", "det1")), names.toString());
        JsonNode motors = Rest.json(Rest.get("/api/lab/devices?kind=motor&connected=true", Rest.VIEWER), 200);
        motors.get("items").forEach(d -> assertEquals("motor", d.get("kind").asText()));
        assertTrue(motors.get("items").size() >= 2);
        JsonNode page = Rest.json(Rest.get("/api/lab/devices?limit=1", Rest.VIEWER), 200);
        assertEquals(1, page.get("items").size());
        JsonNode page2 = Rest.json(Rest.get("/api/lab/devices?limit=1&after=" + page.get("next").asText(), Rest.VIEWER), 200);
        assertFalse(page.get("items").get(0).get("name").equals(page2.get("items").get(0).get("name")));
        Rest.error(Rest.get("/api/lab/devices?limit=0", Rest.VIEWER), 400, "limit");
        Rest.error(Rest.get("/api/lab/devices?connected=maybe", Rest.VIEWER), 400, "not a boolean");

        JsonNode m1 = Rest.json(Rest.get("/api/lab/devices/m1", Rest.VIEWER), 200);
        assertTrue(m1.get("connected").asBoolean());
        assertEquals(-50.0, m1.get("limits").get("low").asDouble());
        Rest.error(Rest.get("/api/lab/devices/det9", Rest.VIEWER), 404, "no device 'det9' (known: ");
        JsonNode keys = Rest.json(Rest.get("/api/lab/devices/det1/describe", Rest.VIEWER), 200);
        assertEquals("number", keys.get("det1").get("dtype").asText());
        JsonNode read = Rest.json(Rest.get("/api/lab/devices/m1/read", Rest.VIEWER), 200);
        assertTrue(read.get("m1").has("value"), read.toString());

        JsonNode plans = Rest.json(Rest.get("/api/lab/plans", Rest.VIEWER), 200);
        List<String> planNames = new ArrayList<>();
        plans.forEach(p -> planNames.add(p.get("name").asText()));
        assertEquals(List.of("count", "scan", "grid_scan", "list_scan"), planNames);
        JsonNode scan = Rest.json(Rest.get("/api/lab/plans/scan", Rest.VIEWER), 200);
        assertEquals("motor", scan.get("parameters").get(1).get("name").asText());
        Rest.error(Rest.get("/api/lab/plans/rm", Rest.VIEWER), 404, "no plan 'rm'");

        // the OpenAPI document (public) describes every route, the run request among the schemas
        JsonNode api = Rest.json(Rest.get("/api/openapi.json", null), 200);
        for (String path : List.of("/api/lab/devices", "/api/lab/runs", "/api/lab/runs/{uid}/documents", "/api/lab/runs/{uid}/stream",
                "/api/lab/runs/{uid}/abort", "/api/lab/stream", "/api/lab/estop/reset")) {
            assertTrue(api.get("paths").has(path), path + " in " + api.get("paths").properties().size() + " paths");
        }
        assertTrue(api.toString().contains("RunRequest"), "the request schema is described");
    }

    @Test
    void hostileSubmissionsAreOneClearLine(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        int before = engine.runs().size();
        String op = Rest.OPERATOR;
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\": \"scan\", "), 400, "line 1");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"nmu\":3}"), 400, "unknown property \"nmu\"");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"detectors\":[\"det1\"]}"), 400, "property \"plan\" is required");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"rm -rf\",\"detectors\":[\"det1\"]}"), 400, "'rm -rf' is not a plan");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"motor\":\"m1\"}"), 400,
                "property \"motor\" is not a parameter of plan count");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":0}"), 400,
                "property \"num\" is 0");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":\"many\"}"), 400,
                "property \"num\"");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":99999999999}"), 400,
                "property \"num\"");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1e300,\"num\":3}"), 400,
                "limit");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"count\",\"detectors\":[\"det9\"]}"), 400, "unknown device 'det9'");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"count\",\"detectors\":[\"det1\",\"det1\"]}"), 400, "listed twice");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"metadata\":{\"uid\":\"x\"}}"), 400,
                "property \"metadata.uid\" is set by the engine");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"list_scan\",\"detectors\":[\"det1\"],\"points\":{\"m1\":[0,1],\"m2\":[0]}}"), 400,
                "every list has the same length");
        Rest.error(Rest.post("/api/lab/runs", op, "{\"plan\":\"grid_scan\",\"detectors\":[\"det1\"],\"axes\":[{\"device\":\"m1\",\"start\":0,\"stop\":1,\"num\":1001},"
                + "{\"device\":\"m2\",\"start\":0,\"stop\":1,\"num\":1001}]}"), 400, "more than 1000000 points");
        Rest.error(Rest.post("/api/lab/runs", op, "null"), 400, "JSON object");
        Rest.error(Rest.post("/api/lab/runs", op, "plan=count", "Content-Type", "text/plain"), 415, "application/json");
        Rest.error(Rest.get("/api/lab/runs/x%20y", Rest.VIEWER), 404, "x y' is not a run uid");
        Rest.error(Rest.get("/api/lab/runs/run-00000000-0000-0000-0000-000000000000", Rest.VIEWER), 404, "no run");
        Rest.error(Rest.get("/api/lab/runs/nonsense/documents", Rest.VIEWER), 404, "not a run uid");
        Rest.error(Rest.get("/api/lab/runs?status=great", Rest.VIEWER), 400, "status=great");
        Rest.error(Rest.post("/api/lab/runs/current/pause", op, null), 404, "no run is open");
        assertEquals(before, engine.runs().size(), "nothing was run");
    }

    @Test
    void aScanStreamsItsDocumentsInOrderAndIsListed(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        try (Rest.Sse live = new Rest.Sse("/api/lab/stream", Rest.VIEWER)) {
            assertEquals(200, live.response.statusCode());
            assertEquals("text/event-stream", live.response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            HttpResponse<byte[]> r = Rest.post("/api/lab/runs", Rest.OPERATOR,
                    "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":-1,\"stop\":1,\"num\":5,\"metadata\":{\"sample\":\"rest-1\"}}");
            JsonNode created = Rest.json(r, 201);
            String uid = created.get("uid").asText();
            assertEquals("/api/lab/runs/" + uid, Rest.headers(r).get("Location"));

            List<Rest.Event> got = new ArrayList<>();
            Rest.Event e;
            do {
                e = live.next();
                assertFalse(e == Rest.Sse.END, "the stream ended early");
                got.add(e);
            } while (!"stop".equals(e.event()));
            assertEquals("start", got.get(0).event());
            assertEquals(uid, got.get(0).json().get("uid").asText());
            assertEquals("rest-1", got.get(0).json().get("sample").asText());
            assertEquals("descriptor", got.get(1).event());
            long seq = 0;
            for (int i = 0; i < got.size(); i++) {
                assertEquals(uid + ":" + (i + 1), got.get(i).id(), "ids count the run's documents");
                if ("event".equals(got.get(i).event())) {
                    assertEquals(++seq, got.get(i).json().get("seq_num").asLong());
                }
            }
            assertEquals(5, seq);
            assertEquals("success", got.get(got.size() - 1).json().get("exit_status").asText());

            // the same documents, in the same order, over GET
            JsonNode docs = Rest.json(Rest.get("/api/lab/runs/" + uid + "/documents", Rest.VIEWER), 200);
            assertEquals(got.size(), docs.size());
            for (int i = 0; i < docs.size(); i++) {
                assertEquals(docs.get(i).get("name").asText(), got.get(i).event());
                assertEquals(docs.get(i).get("doc"), got.get(i).json());
            }
            assertEquals(5, Rest.json(Rest.get("/api/lab/runs/" + uid + "/documents?name=event", Rest.VIEWER), 200).size());
            Rest.error(Rest.get("/api/lab/runs/" + uid + "/documents?name=evil", Rest.VIEWER), 400, "not a document type");
        }
        String uid = engine.runs().get(0).uid;
        LabIT.await(() -> engine.state() == EngineState.IDLE, "idle");
        JsonNode one = Rest.json(Rest.get("/api/lab/runs/" + uid, Rest.VIEWER), 200);
        assertEquals("success", one.get("status").asText());
        JsonNode list = Rest.json(Rest.get("/api/lab/runs?plan=scan&status=success&limit=1", Rest.VIEWER), 200);
        assertEquals(uid, list.get("items").get(0).get("uid").asText());

        // a finished run's stream replays its documents after Last-Event-ID and ends
        try (Rest.Sse replay = new Rest.Sse("/api/lab/runs/" + uid + "/stream", Rest.VIEWER, "Last-Event-ID", uid + ":3")) {
            Rest.Event first = replay.next();
            assertEquals(uid + ":4", first.id());
            Rest.Event e = first;
            while (!"stop".equals(e.event())) {
                e = replay.next();
            }
            assertEquals(Rest.Sse.END, replay.next(), "the stream ends after the stop document");
        }
        Rest.error(Rest.get("/api/lab/runs/" + uid + "/stream", Rest.VIEWER, "Last-Event-ID", "7; drop"), 400, "Last-Event-ID");
    }

    @Test
    void submissionIsIdempotentAndRunsAreControlled(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        int before = engine.runs().size();
        String body = "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"num\":100000,\"delay\":0.05}";
        HttpResponse<byte[]> first = Rest.post("/api/lab/runs", Rest.OPERATOR, body, "Idempotency-Key", "lab-rest-it-1");
        JsonNode run = Rest.json(first, 201);
        String uid = run.get("uid").asText();
        HttpResponse<byte[]> again = Rest.post("/api/lab/runs", Rest.OPERATOR, body, "Idempotency-Key", "lab-rest-it-1");
        assertEquals(201, again.statusCode());
        assertEquals("true", Rest.headers(again).get("Idempotent-Replayed"));
        assertEquals(uid, Rest.json(again, 201).get("uid").asText());
        Rest.error(Rest.post("/api/lab/runs", Rest.OPERATOR, body.replace("0.05", "0.06"), "Idempotency-Key", "lab-rest-it-1"), 422, "another request body");
        assertEquals(before + 1, engine.runs().size(), "one run for two identical submissions");
        try {
            Rest.error(Rest.post("/api/lab/runs", Rest.OPERATOR, body), 409, "busy");
            JsonNode st = Rest.json(Rest.get("/api/lab/engine", Rest.VIEWER), 200);
            assertEquals(uid, st.get("run").asText());
            assertEquals(uid, Rest.json(Rest.get("/api/lab/runs/current", Rest.VIEWER), 200).get("uid").asText());
            Rest.error(Rest.post("/api/lab/runs/" + uid + "/pause?mode=sideways", Rest.OPERATOR, null), 400, "mode=sideways");
            Rest.error(Rest.post("/api/lab/runs/" + uid + "/pause", Rest.VIEWER, null), 403, "needs the operator role");
            JsonNode paused = Rest.json(Rest.post("/api/lab/runs/" + uid + "/pause?mode=immediate", Rest.OPERATOR, null), 200);
            assertEquals("PAUSED", paused.get("state").asText());
            assertEquals("RUNNING", Rest.json(Rest.post("/api/lab/runs/current/resume", Rest.OPERATOR, null), 200).get("state").asText());
            Rest.error(Rest.post("/api/lab/runs/" + uid + "/abort", Rest.OPERATOR, "{\"reason\": 5, \"why\": 1}"), 400, "unknown property \"why\"");
            JsonNode aborted = Rest.json(Rest.post("/api/lab/runs/" + uid + "/abort", Rest.OPERATOR, "{\"reason\":\"rest test\"}"), 200);
            assertEquals("IDLE", aborted.get("state").asText());
        } finally {
            if (engine.currentRun().isPresent()) {
                engine.abort("test cleanup");
                engine.awaitState(30_000, EngineState.IDLE);
            }
        }
        JsonNode summary = Rest.json(Rest.get("/api/lab/runs/" + uid, Rest.VIEWER), 200);
        assertEquals("abort", summary.get("status").asText());
        assertEquals("rest test", summary.get("reason").asText());
        Rest.error(Rest.post("/api/lab/runs/" + uid + "/stop", Rest.OPERATOR, null), 409, "is not open (abort)");
    }

    @Test
    void emergencyStopLatchesForOperatorsAndResetsForAdmins(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        try {
            JsonNode st = Rest.json(Rest.post("/api/lab/estop", Rest.OPERATOR, "{\"reason\":\"hand in the enclosure\"}"), 200);
            assertTrue(st.get("emergencyStop").asBoolean());
            assertEquals(0, st.get("stopFailed").size());
            assertTrue(Rest.json(Rest.get("/api/lab/estop", Rest.VIEWER), 200).get("emergencyStop").asBoolean());
            Rest.error(Rest.post("/api/lab/runs", Rest.OPERATOR, "{\"plan\":\"count\",\"detectors\":[\"det1\"]}"), 409, "emergency stop");
            Rest.error(Rest.post("/api/lab/estop/reset", Rest.OPERATOR, null), 403, "needs the admin role");
            assertFalse(Rest.json(Rest.post("/api/lab/estop/reset", Rest.ADMIN, null), 200).get("emergencyStop").asBoolean());
            assertFalse(engine.emergencyStopActive());
        } finally {
            engine.reset();
        }
    }
}
