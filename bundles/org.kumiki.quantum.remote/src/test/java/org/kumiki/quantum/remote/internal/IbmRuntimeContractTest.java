package org.kumiki.quantum.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.qasm.internal.QasmCodecImpl;

/**
 * Contract tests: a local HTTP server plays IBM Cloud IAM and the Qiskit Runtime REST API v1
 * and checks every request against the documented shapes (IAM apikey grant; POST /v1/jobs
 * with Bearer token, Service-CRN and a Sampler V2 body of OpenQASM 3 PUBs; GET /v1/jobs/{id};
 * GET /v1/jobs/{id}/results; POST /v1/jobs/{id}/cancel; GET /v1/backends/{name}/configuration).
 */
class IbmRuntimeContractTest {
    static final String KEY = "sEcReT-api-KEY-12345";
    static final String CRN = "crn:v1:bluemix:public:quantum-computing:us-east:a/abc::";
    static final String TOKEN = "tok-abc";

    HttpServer server;
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger iamCalls = new AtomicInteger();
    final Map<String, List<String>> statusScript = new ConcurrentHashMap<>();
    final Map<String, String> resultBodies = new ConcurrentHashMap<>();
    final Map<String, JsonNode> submitted = new ConcurrentHashMap<>();
    final AtomicInteger jobCounter = new AtomicInteger();
    volatile String nextResult;
    volatile int iamStatus = 200;
    final QasmCodecImpl codec = new QasmCodecImpl();
    IbmRuntimeBackend backend;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/identity/token", this::iam);
        server.createContext("/api/v1/", this::api);
        server.start();
        backend = new IbmRuntimeBackend(codec, config(KEY, "ibm_test"));
    }

    @AfterEach
    void stop() {
        backend.close();
        server.stop(0);
    }

    IbmRuntimeBackend.Config config(String key, String ibmBackend) {
        return config(key, "", ibmBackend);
    }

    IbmRuntimeBackend.Config config(String key, String keyFile, String ibmBackend) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return new IbmRuntimeBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return IbmRuntimeBackend.Config.class; }
            @Override public String name() { return ""; }
            @Override public String backend() { return ibmBackend; }
            @Override public String serviceCrn() { return CRN; }
            @Override public String _apiKey() { return key; }
            @Override public String api_key_file() { return keyFile; }
            @Override public String url() { return base + "/api"; }
            @Override public String iamUrl() { return base + "/identity/token"; }
            @Override public String apiVersion() { return "2025-05-01"; }
            @Override public long pollMillis() { return 10; }
            @Override public int httpTimeoutSeconds() { return 10; }
            @Override public int maxShots() { return 100_000; }
        };
    }

    // ---- the fake service ------------------------------------------------------------------

    void iam(HttpExchange ex) throws IOException {
        iamCalls.incrementAndGet();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!ex.getRequestMethod().equals("POST")) violations.add("IAM: method " + ex.getRequestMethod());
        if (!String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/x-www-form-urlencoded")) violations.add("IAM: content type");
        Map<String, String> form = new HashMap<>();
        for (String kv : body.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) form.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        if (!"urn:ibm:params:oauth:grant-type:apikey".equals(form.get("grant_type"))) violations.add("IAM: grant_type " + form.get("grant_type"));
        if (iamStatus != 200 || !KEY.equals(form.get("apikey"))) {
            // IBM's error answers do not echo the key; this fake echoes it to prove redaction
            reply(ex, 400, "{\"errorCode\":\"BXNIM0415E\",\"errorMessage\":\"Provided API key could not be found: " + form.get("apikey") + "\"}");
            return;
        }
        reply(ex, 200, "{\"access_token\":\"" + TOKEN + "\",\"refresh_token\":\"not_supported\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"expiration\":1473188353}");
    }

    void api(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        calls.add(method + " " + path);
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) violations.add(path + ": Authorization header");
        if (!CRN.equals(ex.getRequestHeaders().getFirst("Service-CRN"))) violations.add(path + ": Service-CRN header");
        if (ex.getRequestHeaders().getFirst("IBM-API-Version") == null) violations.add(path + ": IBM-API-Version header");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (method.equals("GET") && path.equals("/api/v1/backends/ibm_test/configuration")) {
            reply(ex, 200, "{\"backend_name\":\"ibm_test\",\"n_qubits\":5,\"basis_gates\":[\"cx\",\"id\",\"rz\",\"sx\",\"x\"],"
                    + "\"coupling_map\":[[0,1],[1,0],[1,2],[2,1],[2,3],[3,2],[3,4],[4,3]],\"max_shots\":100000,\"max_experiments\":300,\"simulator\":false}");
            return;
        }
        if (method.equals("POST") && path.equals("/api/v1/jobs")) {
            if (!String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) violations.add("jobs: content type");
            JsonNode j = IbmRuntimeBackend.JSON.readTree(body);
            if (!"sampler".equals(j.path("program_id").asText())) violations.add("jobs: program_id " + j.path("program_id"));
            if (!"ibm_test".equals(j.path("backend").asText())) violations.add("jobs: backend " + j.path("backend"));
            if (!"2".equals(j.path("params").path("version").asText())) violations.add("jobs: params.version " + j.path("params").path("version"));
            JsonNode pubs = j.path("params").path("pubs");
            if (!pubs.isArray() || pubs.size() == 0) violations.add("jobs: params.pubs missing");
            for (JsonNode pub : pubs) {
                if (!pub.isArray() || pub.size() < 1 || pub.size() > 3) { violations.add("jobs: a PUB is [circuit, parameter values, shots]"); continue; }
                String qasm = pub.get(0).asText();
                if (!qasm.startsWith("OPENQASM 3")) violations.add("jobs: circuit is not OpenQASM 3");
                try {
                    codec.parse(qasm);
                } catch (RuntimeException e) {
                    violations.add("jobs: circuit does not parse: " + e.getMessage());
                }
                if (pub.size() > 1 && !(pub.get(1).isNull() || pub.get(1).isObject() || pub.get(1).isArray())) violations.add("jobs: parameter values");
                if (pub.size() > 2 && !(pub.get(2).isNull() || pub.get(2).isInt())) violations.add("jobs: shots");
            }
            String id = "job" + jobCounter.incrementAndGet();
            submitted.put(id, j);
            statusScript.putIfAbsent(id, new ArrayList<>(List.of("Queued", "Running", "Completed")));
            if (nextResult != null) resultBodies.put(id, nextResult);
            reply(ex, 200, "{\"id\":\"" + id + "\",\"backend\":\"ibm_test\"}");
            return;
        }
        String[] parts = path.split("/");
        // /api/v1/jobs/{id}[/results|/cancel]
        if (parts.length >= 5 && parts[3].equals("jobs")) {
            String id = parts[4];
            List<String> script = statusScript.get(id);
            if (script == null) { reply(ex, 404, "{\"errors\":[{\"message\":\"job not found\"}]}"); return; }
            if (parts.length == 5 && method.equals("GET")) {
                String s;
                synchronized (script) { s = script.size() > 1 ? script.remove(0) : script.get(0); }
                String reason = s.equals("Failed") ? ",\"reason\":\"Error code 1517; circuit too deep\"" : "";
                reply(ex, 200, "{\"id\":\"" + id + "\",\"backend\":\"ibm_test\",\"state\":{\"status\":\"" + s + "\"" + reason + "},\"status\":\"" + s + "\"}");
                return;
            }
            if (parts.length == 6 && parts[5].equals("results") && method.equals("GET")) {
                reply(ex, 200, resultBodies.getOrDefault(id, "{\"results\":[]}"));
                return;
            }
            if (parts.length == 6 && parts[5].equals("cancel") && method.equals("POST")) {
                synchronized (script) { script.clear(); script.add("Cancelled"); }
                ex.sendResponseHeaders(204, -1);
                ex.close();
                return;
            }
        }
        violations.add("unexpected " + method + " " + path);
        reply(ex, 404, "{}");
    }

    static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    static <T> T await(QuantumJob<T> job) throws Exception {
        return job.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Bell pair in the backend's instruction set (h = rz(pi/2) sx rz(pi/2) up to phase). */
    static QuantumCircuit isaBell() {
        QuantumCircuit c = new QuantumCircuit(2, 2);
        c.rz(Math.PI / 2, 0).sx(0).rz(Math.PI / 2, 0).cx(0, 1);
        return c.measureAll();
    }

    // ---- tests -----------------------------------------------------------------------------

    @Test
    void samplesThroughTheDocumentedJobLifecycle() throws Exception {
        nextResult = "{\"results\":[{\"data\":{\"c\":{\"samples\":[\"0x0\",\"0x3\",\"0x3\",\"0x0\",\"0x3\"],\"num_bits\":2}},\"metadata\":{\"circuit_metadata\":{}}}],"
                + "\"metadata\":{\"execution\":{}},\"version\":2}";
        TargetDTO t = backend.target();
        assertEquals(5, t.numQubits);
        assertFalse(t.simulator);
        QuantumJob<List<SamplerPubResult>> job = backend.sample(List.of(SamplerPub.of(isaBell(), 5)));
        List<SamplerPubResult> r = await(job);
        assertEquals(JobStatus.DONE, job.status());
        SampleDTO d = r.get(0).data.get(0);
        assertEquals(Map.of("00", 2, "11", 3), d.counts);
        assertEquals(5, d.shots);
        assertEquals(List.of(), violations);
        assertEquals(1, iamCalls.get());
        JsonNode body = submitted.get("job1");
        assertEquals(5, body.path("params").path("pubs").get(0).get(2).asInt());
        assertTrue(calls.contains("GET /api/v1/jobs/job1/results"), calls.toString());
        // the token is reused for the next job
        nextResult = "{\"results\":[{\"data\":{\"c\":{\"samples\":[\"0x1\"],\"num_bits\":2}}}]}";
        await(backend.sample(List.of(SamplerPub.of(isaBell(), 1))));
        assertEquals(1, iamCalls.get());
        assertFalse(backend.toString().contains(KEY));
    }

    @Test
    void sendsParameterValuesByNameAndOnePubPerBinding() throws Exception {
        QuantumCircuit c = new QuantumCircuit(1, 1).rz(Angle.param("theta"), 0).sx(0);
        c.measure(0, 0);
        SamplerPub pub = SamplerPub.of(c, 3);
        pub.parameterValues = new double[][] {{0.5}, {1.5}};
        nextResult = "{\"results\":[{\"data\":{\"c\":{\"samples\":[\"0x1\",\"0x1\",\"0x0\"],\"num_bits\":1}}},{\"data\":{\"c\":{\"samples\":[\"0x0\",\"0x0\",\"0x0\"],\"num_bits\":1}}}]}";
        List<SamplerPubResult> r = await(backend.sample(List.of(pub)));
        assertEquals(2, r.get(0).data.size());
        assertEquals(Map.of("1", 2, "0", 1), r.get(0).data.get(0).counts);
        assertEquals(Map.of("0", 3), r.get(0).data.get(1).counts);
        JsonNode pubs = submitted.get("job1").path("params").path("pubs");
        assertEquals(2, pubs.size());
        assertEquals(0.5, pubs.get(0).get(1).path("theta").asDouble());
        assertEquals(1.5, pubs.get(1).get(1).path("theta").asDouble());
        assertTrue(pubs.get(0).get(0).asText().contains("input float[64] theta;"));
        assertEquals(List.of(), violations);
    }

    @Test
    void failedAndCancelledJobs() throws Exception {
        statusScript.put("job1", new ArrayList<>(List.of("Queued", "Failed")));
        QuantumJob<List<SamplerPubResult>> failed = backend.sample(List.of(SamplerPub.of(isaBell(), 10)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(failed));
        assertTrue(e.getCause().getMessage().contains("Error code 1517"), e.getCause().getMessage());
        assertEquals(JobStatus.ERROR, failed.status());

        statusScript.put("job2", new ArrayList<>(List.of("Queued")));
        QuantumJob<List<SamplerPubResult>> pending = backend.sample(List.of(SamplerPub.of(isaBell(), 10)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!calls.contains("GET /api/v1/jobs/job2") && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(pending.cancel());
        assertEquals(JobStatus.CANCELLED, pending.status());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!calls.contains("POST /api/v1/jobs/job2/cancel") && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(calls.contains("POST /api/v1/jobs/job2/cancel"), calls.toString());
        assertEquals(List.of(), violations);
    }

    @Test
    void refusesCircuitsOutsideTheInstructionSetBeforeSubmitting() {
        QuantumCircuit notNative = new QuantumCircuit(2, 2).h(0).cx(0, 1).measureAll();
        QuantumException a = assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(notNative, 10))));
        assertTrue(a.getMessage().contains("'h' is not native"), a.getMessage());
        QuantumCircuit uncoupled = new QuantumCircuit(5, 1).cx(0, 4);
        uncoupled.measure(4, 0);
        QuantumException b = assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(uncoupled, 10))));
        assertTrue(b.getMessage().contains("not coupled"), b.getMessage());
        QuantumCircuit big = new QuantumCircuit(6, 1).measure(5, 0);
        assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(big, 10))));
        assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(isaBell(), 100_001))));
        assertThrows(QuantumException.class, () -> backend.sample(List.of()));
        assertTrue(calls.stream().noneMatch(c -> c.equals("POST /api/v1/jobs")), calls.toString());
    }

    @Test
    void badCredentialsNeverLeakTheKey() throws Exception {
        IbmRuntimeBackend wrong = new IbmRuntimeBackend(codec, config("wrong-" + KEY, "ibm_test"));
        try {
            TargetDTO t = wrong.target(); // configuration unreadable: falls back, says why
            assertTrue(t.description.contains("HTTP 400"), t.description);
            assertFalse(t.description.contains(KEY), t.description);
            QuantumJob<List<SamplerPubResult>> job = wrong.sample(List.of(SamplerPub.of(new QuantumCircuit(1, 1).measure(0, 0), 10)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(job));
            String m = e.getCause().getMessage();
            assertTrue(m.contains("HTTP 400"), m);
            assertFalse(m.contains(KEY), m);
            assertTrue(m.contains("***"), m);
            assertFalse(job.error().contains(KEY));
        } finally {
            wrong.close();
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new IbmRuntimeBackend(codec, config(" ", "ibm_test")));
        assertTrue(missing.getMessage().contains(".apiKey"), missing.getMessage());
    }

    @Test
    void theApiKeyIsReadFromAPrivateFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ibm.key");
        Files.writeString(file, KEY + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        IbmRuntimeBackend fromFile = new IbmRuntimeBackend(codec, config("", file.toString(), "ibm_test"));
        try {
            assertEquals(5, fromFile.target().numQubits, "IAM accepted the key from the file");
            assertEquals(List.of(), violations);
            assertFalse(fromFile.toString().contains(KEY));
        } finally {
            fromFile.close();
        }
    }

    @Test
    void anApiKeyFileOthersCanReadIsRefusedInOneLineWithoutTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ibm.key");
        Files.writeString(file, KEY, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IbmRuntimeBackend refused = new IbmRuntimeBackend(codec, config("", file.toString(), "ibm_test"));
        try {
            // fails closed: listed, but every use answers the one line, and nothing is sent
            ExecutionException job = assertThrows(ExecutionException.class, () -> await(refused.sample(List.of(SamplerPub.of(isaBell(), 1)))));
            assertEquals("IBM Quantum backend 'ibm_test': api.key.file " + file + ": mode rw-r--r-- lets other users read or change it; make it private (chmod 600 " + file + ")",
                    job.getCause().getMessage());
            assertFalse(job.getCause().getMessage().contains(KEY));
            assertEquals(0, iamCalls.get(), "nothing sent");
        } finally {
            refused.close();
        }
        IbmRuntimeBackend both = new IbmRuntimeBackend(codec, config(KEY, file.toString(), "ibm_test"));
        try {
            ExecutionException job = assertThrows(ExecutionException.class, () -> await(both.sample(List.of(SamplerPub.of(isaBell(), 1)))));
            assertEquals("IBM Quantum backend 'ibm_test': set .apiKey or api.key.file, not both", job.getCause().getMessage());
        } finally {
            both.close();
        }
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new IbmRuntimeBackend(codec, config("", "", "ibm_test")));
        assertEquals("configuration property '.apiKey' or 'api.key.file' is required", none.getMessage());
    }

    @Test
    void malformedAnswersBecomeJobErrors() throws Exception {
        nextResult = "{\"results\":[{\"data\":{\"c\":{\"samples\":[\"0xZZ\"],\"num_bits\":2}}}]}";
        ExecutionException a = assertThrows(ExecutionException.class, () -> await(backend.sample(List.of(SamplerPub.of(isaBell(), 1)))));
        assertTrue(a.getCause().getMessage().contains("not hexadecimal"), a.getCause().getMessage());
        nextResult = "{\"results\":[{\"data\":{\"c\":{\"samples\":[\"0x7\"],\"num_bits\":3}}}]}";
        ExecutionException b = assertThrows(ExecutionException.class, () -> await(backend.sample(List.of(SamplerPub.of(isaBell(), 1)))));
        assertTrue(b.getCause().getMessage().contains("does not fit"), b.getCause().getMessage());
        nextResult = "not json at all";
        ExecutionException c = assertThrows(ExecutionException.class, () -> await(backend.sample(List.of(SamplerPub.of(isaBell(), 1)))));
        assertTrue(c.getCause().getMessage().contains("not JSON"), c.getCause().getMessage());
        nextResult = "{\"results\":[]}";
        ExecutionException d = assertThrows(ExecutionException.class, () -> await(backend.sample(List.of(SamplerPub.of(isaBell(), 1)))));
        assertTrue(d.getCause().getMessage().contains("0 result(s) for 1 PUB"), d.getCause().getMessage());
        assertEquals(List.of(), violations);
    }
}
