package org.kumiki.lab.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The lab REST API (/api/lab) over real HTTP against the simulated bench. */
class LabRestIT {

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
    RestClient admin;
    RestClient anonymous;

    /** Writes the tokens file once, finds Felix Jetty's port, and waits until {@code probe} answers 200 to the viewer. */
    private void connect(String probe) throws Exception {
        synchronized (LabRestIT.class) {
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
        admin = new RestClient(base, ADMIN, TIMEOUT);
        anonymous = new RestClient(base, null, TIMEOUT);
        viewer.awaitOk(probe);
    }

    private RunEngine ready(RunEngine engine) throws Exception {
        LabIT.awaitDevices(engine, "m1", "m2", "det1");
        connect("/api/lab/engine");
        assertTrue(engine.awaitState(30_000, EngineState.IDLE), "engine idle");
        return engine;
    }

    @Test
    void tokensAndRolesAreEnforced(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        RestClient.Answer none = anonymous.get("/api/lab/engine");
        none.error(401, "bearer token is required");
        assertEquals("Bearer realm=\"kumiki\"", none.header("WWW-Authenticate"));
        new RestClient(base, "not-a-token", TIMEOUT).get("/api/lab/engine").error(401, "not valid");
        viewer.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\"]}").error(403, "needs the operator role");
        viewer.post("/api/lab/estop", null).error(403, "needs the operator role");
        operator.post("/api/lab/estop/reset", null).error(403, "needs the admin role");
        viewer.get("/api/lab/nothing").error(404, "no such endpoint");
        RestClient.Answer wrongMethod = admin.call("DELETE", "/api/lab/plans", null);
        wrongMethod.error(405, "DELETE is not allowed");
        assertEquals("GET", wrongMethod.header("Allow"));
    }

    @Test
    void devicesAndPlansAreListedAndDescribed(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        JsonNode all = viewer.get("/api/lab/devices").json(200);
        List<String> names = new ArrayList<>();
        all.get("items").forEach(d -> names.add(d.get("name").asText()));
        assertTrue(names.containsAll(List.of("m1", "m2", "det1")), names.toString());
        JsonNode motors = viewer.get("/api/lab/devices?kind=motor&connected=true").json(200);
        motors.get("items").forEach(d -> assertEquals("motor", d.get("kind").asText()));
        assertTrue(motors.get("items").size() >= 2);
        JsonNode page = viewer.get("/api/lab/devices?limit=1").json(200);
        assertEquals(1, page.get("items").size());
        JsonNode page2 = viewer.get("/api/lab/devices?limit=1&after=" + page.get("next").asText()).json(200);
        assertFalse(page.get("items").get(0).get("name").equals(page2.get("items").get(0).get("name")));
        viewer.get("/api/lab/devices?limit=0").error(400, "limit");
        viewer.get("/api/lab/devices?connected=maybe").error(400, "not a boolean");

        JsonNode m1 = viewer.get("/api/lab/devices/m1").json(200);
        assertTrue(m1.get("connected").asBoolean());
        assertEquals(-50.0, m1.get("limits").get("low").asDouble());
        viewer.get("/api/lab/devices/det9").error(404, "no device 'det9' (known: ");
        JsonNode keys = viewer.get("/api/lab/devices/det1/describe").json(200);
        assertEquals("number", keys.get("det1").get("dtype").asText());
        JsonNode read = viewer.get("/api/lab/devices/m1/read").json(200);
        assertTrue(read.get("m1").has("value"), read.toString());

        JsonNode plans = viewer.get("/api/lab/plans").json(200);
        List<String> planNames = new ArrayList<>();
        plans.forEach(p -> planNames.add(p.get("name").asText()));
        assertEquals(List.of("count", "scan", "grid_scan", "list_scan"), planNames);
        JsonNode scan = viewer.get("/api/lab/plans/scan").json(200);
        assertEquals("motor", scan.get("parameters").get(1).get("name").asText());
        viewer.get("/api/lab/plans/rm").error(404, "no plan 'rm'");

        // the OpenAPI document (public) describes every route, the run request among the schemas
        JsonNode api = anonymous.get("/api/openapi.json").json(200);
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
        operator.post("/api/lab/runs", "{\"plan\": \"scan\", ").error(400, "line 1");
        operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"nmu\":3}").error(400, "unknown property \"nmu\"");
        operator.post("/api/lab/runs", "{\"detectors\":[\"det1\"]}").error(400, "property \"plan\" is required");
        operator.post("/api/lab/runs", "{\"plan\":\"rm -rf\",\"detectors\":[\"det1\"]}").error(400, "'rm -rf' is not a plan");
        operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"motor\":\"m1\"}").error(400,
                "property \"motor\" is not a parameter of plan count");
        operator.post("/api/lab/runs", "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":0}").error(400,
                "property \"num\" is 0");
        operator.post("/api/lab/runs", "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":\"many\"}").error(400,
                "property \"num\"");
        operator.post("/api/lab/runs", "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1,\"num\":99999999999}").error(400,
                "property \"num\"");
        operator.post("/api/lab/runs", "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":0,\"stop\":1e300,\"num\":3}").error(400,
                "limit");
        operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det9\"]}").error(400, "unknown device 'det9'");
        operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\",\"det1\"]}").error(400, "listed twice");
        operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"metadata\":{\"uid\":\"x\"}}").error(400,
                "property \"metadata.uid\" is set by the engine");
        operator.post("/api/lab/runs", "{\"plan\":\"list_scan\",\"detectors\":[\"det1\"],\"points\":{\"m1\":[0,1],\"m2\":[0]}}").error(400,
                "every list has the same length");
        operator.post("/api/lab/runs", "{\"plan\":\"grid_scan\",\"detectors\":[\"det1\"],\"axes\":[{\"device\":\"m1\",\"start\":0,\"stop\":1,\"num\":1001},"
                + "{\"device\":\"m2\",\"start\":0,\"stop\":1,\"num\":1001}]}").error(400, "more than 1000000 points");
        operator.post("/api/lab/runs", "null").error(400, "JSON object");
        operator.post("/api/lab/runs", "plan=count", "Content-Type", "text/plain").error(415, "application/json");
        viewer.get("/api/lab/runs/x%20y").error(404, "x y' is not a run uid");
        viewer.get("/api/lab/runs/run-00000000-0000-0000-0000-000000000000").error(404, "no run");
        viewer.get("/api/lab/runs/nonsense/documents").error(404, "not a run uid");
        viewer.get("/api/lab/runs?status=great").error(400, "status=great");
        operator.post("/api/lab/runs/current/pause", null).error(404, "no run is open");
        assertEquals(before, engine.runs().size(), "nothing was run");
    }

    @Test
    void aScanStreamsItsDocumentsInOrderAndIsListed(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        try (RestClient.EventStream live = viewer.open("/api/lab/stream")) {
            assertEquals(200, live.response.statusCode());
            assertEquals("text/event-stream", live.response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            RestClient.Answer r = operator.post("/api/lab/runs", "{\"plan\":\"scan\",\"detectors\":[\"det1\"],\"motor\":\"m1\",\"start\":-1,\"stop\":1,\"num\":5,\"metadata\":{\"sample\":\"rest-1\"}}");
            JsonNode created = r.json(201);
            String uid = created.get("uid").asText();
            assertEquals("/api/lab/runs/" + uid, r.header("Location"));

            List<RestClient.Event> got = new ArrayList<>();
            RestClient.Event e;
            do {
                e = live.next();
                assertFalse(e == RestClient.EventStream.END, "the stream ended early");
                got.add(e);
            } while (!"stop".equals(e.name()));
            assertEquals("start", got.get(0).name());
            assertEquals(uid, got.get(0).data().get("uid").asText());
            assertEquals("rest-1", got.get(0).data().get("sample").asText());
            assertEquals("descriptor", got.get(1).name());
            long seq = 0;
            for (int i = 0; i < got.size(); i++) {
                assertEquals(uid + ":" + (i + 1), got.get(i).id(), "ids count the run's documents");
                if ("event".equals(got.get(i).name())) {
                    assertEquals(++seq, got.get(i).data().get("seq_num").asLong());
                }
            }
            assertEquals(5, seq);
            assertEquals("success", got.get(got.size() - 1).data().get("exit_status").asText());

            // the same documents, in the same order, over GET
            JsonNode docs = viewer.get("/api/lab/runs/" + uid + "/documents").json(200);
            assertEquals(got.size(), docs.size());
            for (int i = 0; i < docs.size(); i++) {
                assertEquals(docs.get(i).get("name").asText(), got.get(i).name());
                assertEquals(docs.get(i).get("doc"), got.get(i).data());
            }
            assertEquals(5, viewer.get("/api/lab/runs/" + uid + "/documents?name=event").json(200).size());
            viewer.get("/api/lab/runs/" + uid + "/documents?name=evil").error(400, "not a document type");
        }
        String uid = engine.runs().get(0).uid;
        LabIT.await(() -> engine.state() == EngineState.IDLE, "idle");
        JsonNode one = viewer.get("/api/lab/runs/" + uid).json(200);
        assertEquals("success", one.get("status").asText());
        JsonNode list = viewer.get("/api/lab/runs?plan=scan&status=success&limit=1").json(200);
        assertEquals(uid, list.get("items").get(0).get("uid").asText());

        // a finished run's stream replays its documents after Last-Event-ID and ends
        try (RestClient.EventStream replay = viewer.open("/api/lab/runs/" + uid + "/stream", "Last-Event-ID", uid + ":3")) {
            RestClient.Event first = replay.next();
            assertEquals(uid + ":4", first.id());
            RestClient.Event e = first;
            while (!"stop".equals(e.name())) {
                e = replay.next();
            }
            assertEquals(RestClient.EventStream.END, replay.next(), "the stream ends after the stop document");
        }
        viewer.call("GET", "/api/lab/runs/" + uid + "/stream", null, "Last-Event-ID", "7; drop").error(400, "Last-Event-ID");
    }

    @Test
    void submissionIsIdempotentAndRunsAreControlled(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        int before = engine.runs().size();
        String body = "{\"plan\":\"count\",\"detectors\":[\"det1\"],\"num\":100000,\"delay\":0.05}";
        RestClient.Answer first = operator.post("/api/lab/runs", body, "Idempotency-Key", "lab-rest-it-1");
        JsonNode run = first.json(201);
        String uid = run.get("uid").asText();
        RestClient.Answer again = operator.post("/api/lab/runs", body, "Idempotency-Key", "lab-rest-it-1");
        assertEquals(201, again.status());
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(uid, again.json(201).get("uid").asText());
        operator.post("/api/lab/runs", body.replace("0.05", "0.06"), "Idempotency-Key", "lab-rest-it-1").error(422, "another request body");
        assertEquals(before + 1, engine.runs().size(), "one run for two identical submissions");
        try {
            operator.post("/api/lab/runs", body).error(409, "busy");
            JsonNode st = viewer.get("/api/lab/engine").json(200);
            assertEquals(uid, st.get("run").asText());
            assertEquals(uid, viewer.get("/api/lab/runs/current").json(200).get("uid").asText());
            operator.post("/api/lab/runs/" + uid + "/pause?mode=sideways", null).error(400, "mode=sideways");
            viewer.post("/api/lab/runs/" + uid + "/pause", null).error(403, "needs the operator role");
            JsonNode paused = operator.post("/api/lab/runs/" + uid + "/pause?mode=immediate", null).json(200);
            assertEquals("PAUSED", paused.get("state").asText());
            assertEquals("RUNNING", operator.post("/api/lab/runs/current/resume", null).json(200).get("state").asText());
            operator.post("/api/lab/runs/" + uid + "/abort", "{\"reason\": 5, \"why\": 1}").error(400, "unknown property \"why\"");
            JsonNode aborted = operator.post("/api/lab/runs/" + uid + "/abort", "{\"reason\":\"rest test\"}").json(200);
            assertEquals("IDLE", aborted.get("state").asText());
        } finally {
            if (engine.currentRun().isPresent()) {
                engine.abort("test cleanup");
                engine.awaitState(30_000, EngineState.IDLE);
            }
        }
        JsonNode summary = viewer.get("/api/lab/runs/" + uid).json(200);
        assertEquals("abort", summary.get("status").asText());
        assertEquals("rest test", summary.get("reason").asText());
        operator.post("/api/lab/runs/" + uid + "/stop", null).error(409, "is not open (abort)");
    }

    @Test
    void emergencyStopLatchesForOperatorsAndResetsForAdmins(@InjectService RunEngine engine) throws Exception {
        ready(engine);
        try {
            JsonNode st = operator.post("/api/lab/estop", "{\"reason\":\"hand in the enclosure\"}").json(200);
            assertTrue(st.get("emergencyStop").asBoolean());
            assertEquals(0, st.get("stopFailed").size());
            assertTrue(viewer.get("/api/lab/estop").json(200).get("emergencyStop").asBoolean());
            operator.post("/api/lab/runs", "{\"plan\":\"count\",\"detectors\":[\"det1\"]}").error(409, "emergency stop");
            operator.post("/api/lab/estop/reset", null).error(403, "needs the admin role");
            assertFalse(admin.post("/api/lab/estop/reset", null).json(200).get("emergencyStop").asBoolean());
            assertFalse(engine.emergencyStopActive());
        } finally {
            engine.reset();
        }
    }
}
