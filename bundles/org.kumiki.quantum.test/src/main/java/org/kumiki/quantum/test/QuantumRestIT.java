package org.kumiki.quantum.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** /api/quantum over real HTTP (Felix Jetty on a free loopback port) on the state-vector simulator, tokens made by AccessAdmin. */
class QuantumRestIT {

    private static final AtomicInteger N = new AtomicInteger();

    static final String BELL2 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n";
    static final String BELL3 = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    AccessAdmin admin;

    RestClient viewer;
    RestClient operator;
    RestClient anonymous;
    final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void tokens() throws Exception {
        String base = RestClient.base(context);
        viewer = new RestClient(base, token("q-viewer", Role.VIEWER));
        operator = new RestClient(base, token("q-operator", Role.OPERATOR));
        anonymous = new RestClient(base, null);
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

    static String job(String qasm, int shots, String more) throws Exception {
        return "{\"qasm\": " + RestClient.JSON.writeValueAsString(qasm) + ", \"shots\": " + shots + (more == null ? "" : ", " + more) + "}";
    }

    @Test
    void backendsWithTheirProperties() throws Exception {
        RestClient.Answer a = viewer.get("/api/quantum/backends");
        assertEquals(200, a.status(), a.text());
        JsonNode sv = null;
        for (JsonNode b : a.json()) {
            if (b.get("name").asText().equals("statevector")) {
                sv = b;
            }
        }
        assertNotNull(sv, a.text());
        assertTrue(sv.get("target").get("simulator").asBoolean(), sv.toString());
        assertTrue(sv.get("target").get("numQubits").asInt() >= 20, sv.toString());
        assertEquals(1_000_000, sv.get("target").get("maxShots").asInt(), sv.toString());
        assertEquals(200, viewer.get("/api/quantum/backends/statevector").status());
        RestClient.Answer none = viewer.get("/api/quantum/backends/nosuch");
        assertEquals(404, none.status());
        assertTrue(none.error().contains("statevector"), none.error());
        // the OpenAPI document is made from the routes and their body types
        RestClient.Answer doc = anonymous.get("/api/openapi.json");
        assertEquals(200, doc.status(), doc.text());
        assertTrue(doc.json().get("paths").has("/api/quantum/jobs/{id}/results"), doc.text());
        assertTrue(doc.text().contains("JobSubmission"), doc.text());
    }

    @Test
    void submitQasm2And3GetCountsIdempotently() throws Exception {
        String key = "bell-" + N.incrementAndGet();
        String body = job(BELL2, 2000, "\"seed\": 7, \"name\": \"bell\"");
        RestClient.Answer a = operator.post("/api/quantum/jobs", body, "Idempotency-Key", key);
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        assertTrue(id.startsWith("qjob-"), id);
        assertEquals("/api/quantum/jobs/" + id, a.header("Location"));
        assertEquals("statevector", a.json().get("backend").asText());
        assertEquals("2", a.json().get("qasmVersion").asText());
        assertTrue(a.json().get("owner").asText().startsWith("q-operator-"), a.text());

        RestClient.Answer again = operator.post("/api/quantum/jobs", body, "Idempotency-Key", key);
        assertEquals(201, again.status());
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(id, again.json().get("id").asText());
        assertEquals(422, operator.post("/api/quantum/jobs", job(BELL2, 100, null), "Idempotency-Key", key).status());

        JsonNode counts = awaitResults(id).get("results").get(0);
        assertEquals(2000, counts.get("shots").asInt());
        long n00 = counts.get("counts").path("00").asLong();
        long n11 = counts.get("counts").path("11").asLong();
        assertEquals(2000, n00 + n11, counts.toString()); // a Bell pair: only 00 and 11
        assertTrue(n00 > 800 && n11 > 800, counts.toString());
        assertEquals("DONE", viewer.get("/api/quantum/jobs/" + id).json().get("status").asText());

        RestClient.Answer v3 = operator.post("/api/quantum/jobs", job(BELL3, 100, "\"backend\": \"statevector\""));
        assertEquals(201, v3.status(), v3.text());
        assertEquals("3", v3.json().get("qasmVersion").asText());
        JsonNode c3 = awaitResults(v3.json().get("id").asText()).get("results").get(0).get("counts");
        c3.fieldNames().forEachRemaining(k -> assertTrue(k.equals("00") || k.equals("11"), c3.toString()));

        // listing, newest first, with paging and a status filter
        RestClient.Answer page = viewer.get("/api/quantum/jobs?limit=1");
        assertEquals(200, page.status(), page.text());
        assertEquals(1, page.json().get("items").size());
        assertEquals(v3.json().get("id").asText(), page.json().get("items").get(0).get("id").asText());
        String next = page.json().get("next").asText();
        RestClient.Answer page2 = viewer.get("/api/quantum/jobs?limit=1&after=" + next);
        assertEquals(id, page2.json().get("items").get(0).get("id").asText(), page2.text());
        assertEquals(400, viewer.get("/api/quantum/jobs?status=FINISHED").status());
        for (JsonNode j : viewer.get("/api/quantum/jobs?status=done&limit=1000").json().get("items")) {
            assertEquals("DONE", j.get("status").asText());
        }
        // an ended job cannot be cancelled
        RestClient.Answer c = operator.call("DELETE", "/api/quantum/jobs/" + id, null);
        assertEquals(409, c.status(), c.text());
        assertTrue(c.error().contains("already ended"), c.error());
    }

    JsonNode awaitResults(String id) throws Exception {
        List<RestClient.Event> events = viewer.events("/api/quantum/jobs/" + id + "/events", e -> "end".equals(e.name()), 120, null);
        assertEquals("end", events.get(events.size() - 1).name(), events.toString());
        RestClient.Answer r = viewer.get("/api/quantum/jobs/" + id + "/results");
        assertEquals(200, r.status(), r.text());
        return r.json();
    }

    @Test
    void progressEventsEndWithTheFinalStatus() throws Exception {
        // 16 qubits, 200 layers, a million shots: long enough to be seen running on most machines
        StringBuilder q = new StringBuilder("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[16] q;\nbit[16] c;\n");
        for (int l = 0; l < 200; l++) {
            for (int i = 0; i < 16; i++) {
                q.append("rx(0.").append((l * 16 + i) % 97 + 1).append(") q[").append(i).append("];\n");
            }
            for (int i = 0; i < 15; i++) {
                q.append("cx q[").append(i).append("], q[").append(i + 1).append("];\n");
            }
        }
        q.append("c = measure q;\n");
        RestClient.Answer a = operator.post("/api/quantum/jobs", job(q.toString(), 1_000_000, null));
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        List<RestClient.Event> events = viewer.events("/api/quantum/jobs/" + id + "/events", null, 300, null);
        assertTrue(events.size() >= 3, events.toString());
        assertEquals("status", events.get(0).name());
        assertEquals(id, events.get(0).data().get("id").asText());
        RestClient.Event last = events.get(events.size() - 1);
        assertEquals("end", last.name(), events.toString());
        assertEquals("DONE", last.data().get("status").asText(), last.toString());
        assertTrue(last.data().get("endedAt").asLong() >= last.data().get("createdAt").asLong());
        assertEquals(16, last.data().get("numQubits").asInt());
    }

    @Test
    void hostileInputIsRefusedWithOneLine() throws Exception {
        String path = "/api/quantum/jobs";
        assertBad(operator.post(path, "{\"qasm\": ", new String[0]), 400, "line");
        assertBad(operator.post(path, "{\"qasm\": \"x\", \"shot\": 3}"), 400, "unknown property \"shot\"");
        assertBad(operator.post(path, "{\"shots\": 10}"), 400, "qasm");
        assertBad(operator.post(path, job(BELL2, 0, null)), 400, "shots");
        assertBad(operator.post(path, job(BELL2, 1_000_001, null)), 400, "1 to 1000000");
        assertBad(operator.post(path, "{\"qasm\": \"x\", \"shots\": \"many\"}"), 400, "shots");
        assertBad(operator.post(path, job(BELL2, 10, "\"backend\": \"ibm_nowhere\"")), 400, "ibm_nowhere");
        assertBad(operator.post(path, job("OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n", 10, null)), 400, "qasm: ");
        assertBad(operator.post(path, job("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nh q[0];\n", 10, null)), 400, "measures nothing");
        assertBad(operator.post(path, job("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[40] q;\nbit[40] c;\nc = measure q;\n", 10, null)), 400, "qubits");
        assertBad(operator.post(path, job(BELL2, 10, "\"parameterValues\": [[1.0]]")), 400, "no parameters");
        assertBad(operator.call("POST", path, BELL2, "Content-Type", "text/plain"), 415, "application/json");
        assertBad(operator.post(path, job(BELL2, 10, null), "Idempotency-Key", "has space"), 400, "Idempotency-Key");
        assertBad(viewer.get("/api/quantum/jobs/qjob-nosuch"), 404, "no job");
        assertBad(viewer.get("/api/quantum/jobs/qjob-nosuch/results"), 404, "no job");
        assertBad(viewer.get("/api/quantum/jobs?limit=0"), 400, "limit");
        assertBad(viewer.call("PUT", "/api/quantum/jobs", "{}"), 405, "allowed");
    }

    @Test
    void rolesAreEnforced() throws Exception {
        assertBad(anonymous.get("/api/quantum/backends"), 401, "bearer token");
        assertBad(new RestClient(viewer.base, "not-a-token").get("/api/quantum/backends"), 401, "not valid");
        assertBad(viewer.post("/api/quantum/jobs", job(BELL2, 10, null)), 403, "operator");
        assertBad(viewer.call("DELETE", "/api/quantum/jobs/qjob-x", null), 403, "operator");
        assertEquals(200, viewer.get("/api/quantum/jobs").status());
    }

    static void assertBad(RestClient.Answer a, int status, String fragment) {
        assertEquals(status, a.status(), a.text());
        assertNotNull(a.error(), a.text());
        assertFalse(a.error().contains("\n"), a.error());
        assertFalse(a.error().contains("Exception"), a.error());
        assertTrue(a.error().toLowerCase().contains(fragment.toLowerCase()), a.error() + " should mention " + fragment);
        assertNull(a.json().get("stack"));
    }
}
