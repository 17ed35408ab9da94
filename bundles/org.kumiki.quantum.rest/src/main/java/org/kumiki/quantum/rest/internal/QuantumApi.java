package org.kumiki.quantum.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.Servlet;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.kumiki.platform.rest.Text;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.dto.BackendDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/quantum}: backends and sampler jobs, in the manner of IBM Quantum's runtime REST API.
 * A job is an OpenQASM 2/3 program sampled on a backend; its counts are the result. The jobs
 * submitted here are kept in memory (the newest {@value Jobs#MAX}), not across restarts.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=quantum")
@HttpWhiteboardServletPattern({"/api/quantum", "/api/quantum/*"})
@HttpWhiteboardServletAsyncSupported
public class QuantumApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_QASM = 1 << 20;
    static final int MAX_BINDINGS = 10_000;
    static final int DEFAULT_SHOTS = 1024;

    private final transient Lazy<Sampler> sampler;
    private final transient Lazy<QuantumBackends> backends;
    private final transient Lazy<QasmCodec> qasm;
    private final transient Jobs jobs = new Jobs();

    @Activate
    public QuantumApi(@Reference ComponentServiceObjects<Sampler> sampler, @Reference ComponentServiceObjects<QuantumBackends> backends,
            @Reference ComponentServiceObjects<QasmCodec> qasm, @Reference AccessControl access) {
        super("quantum", access);
        // got on first use: the whiteboard registers this servlet at start-up
        this.sampler = new Lazy<>(sampler);
        this.backends = new Lazy<>(backends);
        this.qasm = new Lazy<>(qasm);
        route("GET", "/backends", Role.VIEWER, "Backends with their target (qubits, basis gates, coupling map, max shots)", call -> this.backends.get().list())
                .returns(BackendDTO.class);
        route("GET", "/backends/{name}", Role.VIEWER, "One backend", call -> backend(call.param("name"))).returns(BackendDTO.class);
        route("GET", "/jobs", Role.VIEWER, "Jobs, newest first", this::list)
                .page(JobDTO.class)
                .query("status", "statuses, comma-separated (QUEUED, RUNNING, DONE, ERROR, CANCELLED)")
                .query("backend", "backend name");
        route("POST", "/jobs", Role.OPERATOR, "Sample an OpenQASM 2/3 program on a backend", this::submit)
                .body(JobSubmission.class).returns(JobDTO.class).status(201).idempotent().maxBody(MAX_QASM + (64 << 10));
        route("GET", "/jobs/{id}", Role.VIEWER, "One job", call -> jobs.get(call.param("id")).dto()).returns(JobDTO.class);
        route("DELETE", "/jobs/{id}", Role.OPERATOR, "Cancel a job", this::cancel).returns(JobDTO.class);
        route("POST", "/jobs/{id}/cancel", Role.OPERATOR, "Cancel a job (as DELETE)", this::cancel).returns(JobDTO.class);
        route("GET", "/jobs/{id}/results", Role.VIEWER, "Counts of a DONE job (409 before, or after an error or cancel)", this::results)
                .returns(JobResultDTO.class);
        route("GET", "/jobs/{id}/events", Role.VIEWER,
                "The job's status as Server-Sent Events (event: status, data: the job); ends with event: end when the job is final", this::events)
                .sse().returns(JobDTO.class);
    }

    private BackendDTO backend(String name) {
        for (BackendDTO b : backends.get().list()) {
            if (b.name.equals(name)) {
                return b;
            }
        }
        throw ApiException.notFound("no backend " + Text.quote(name) + "; known: " + names());
    }

    private String names() {
        List<String> n = new ArrayList<>();
        backends.get().list().forEach(b -> n.add(b.name));
        return n.isEmpty() ? "(none)" : String.join(", ", n);
    }

    private Object list(ApiCall call) {
        List<JobStatus> statuses = statuses(call.query("status"));
        String backend = call.query("backend");
        List<JobDTO> out = new ArrayList<>();
        for (Jobs.Tracked t : jobs.newestFirst()) {
            JobDTO d = t.dto();
            if ((statuses.isEmpty() || statuses.contains(d.status)) && (backend == null || backend.isEmpty() || backend.equals(d.backend))) {
                out.add(d);
            }
        }
        return Page.of(call, out, d -> d.id, false);
    }

    static List<JobStatus> statuses(String q) {
        List<JobStatus> out = new ArrayList<>();
        if (q == null || q.isBlank()) {
            return out;
        }
        for (String s : q.split(",")) {
            String t = s.trim();
            JobStatus found = null;
            for (JobStatus j : JobStatus.values()) {
                if (j.name().equalsIgnoreCase(t)) {
                    found = j;
                }
            }
            if (found == null) {
                throw ApiException.badRequest("status=" + Text.quote(t) + " is not one of QUEUED, RUNNING, DONE, ERROR, CANCELLED");
            }
            out.add(found);
        }
        return out;
    }

    private Object submit(ApiCall call) throws IOException {
        JobSubmission s = call.body(JobSubmission.class);
        if (s.name != null && (s.name.length() > 128 || s.name.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("name: at most 128 characters, no control characters");
        }
        if (s.qasm == null || s.qasm.isBlank()) {
            throw ApiException.badRequest("qasm: the OpenQASM program is missing");
        }
        if (s.qasm.length() > MAX_QASM) {
            throw ApiException.badRequest("qasm: at most " + MAX_QASM + " characters");
        }
        BackendDTO b;
        if (s.backend == null || s.backend.isEmpty()) {
            String d = backends.get().defaultBackend();
            if (d == null) {
                throw ApiException.conflict("no quantum backend is registered");
            }
            b = backend(d);
        } else {
            b = backends.get().list().stream().filter(x -> x.name.equals(s.backend)).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("backend: no backend " + Text.quote(s.backend) + "; known: " + names()));
        }
        int maxShots = b.target != null && b.target.maxShots > 0 ? b.target.maxShots : Integer.MAX_VALUE;
        int shots = s.shots == null ? Math.min(DEFAULT_SHOTS, maxShots) : s.shots;
        if (shots < 1 || shots > maxShots) {
            throw ApiException.badRequest("shots: " + s.shots + " is out of range: 1 to " + maxShots + " on backend " + b.name);
        }
        QuantumCircuit circuit;
        try {
            circuit = qasm.get().parse(s.qasm);
        } catch (QasmException e) {
            throw ApiException.badRequest("qasm: " + oneLine(e.getMessage()));
        }
        if (b.target != null && b.target.numQubits > 0 && circuit.numQubits() > b.target.numQubits) {
            throw ApiException.badRequest("qasm: the circuit has " + circuit.numQubits() + " qubits; backend " + b.name + " has " + b.target.numQubits);
        }
        if (circuit.numClbits() == 0) {
            throw ApiException.badRequest("qasm: the circuit measures nothing (no classical bits): add measurements to sample it");
        }
        int params = circuit.parameters().size();
        double[][] values = s.parameterValues;
        if (params > 0 && (values == null || values.length == 0)) {
            throw ApiException.badRequest("parameterValues: the circuit has " + params + " parameters " + circuit.parameters() + ": give one row of " + params + " values per binding");
        }
        if (values != null && values.length > 0) {
            if (params == 0) {
                throw ApiException.badRequest("parameterValues: the circuit has no parameters");
            }
            if (values.length > MAX_BINDINGS) {
                throw ApiException.badRequest("parameterValues: at most " + MAX_BINDINGS + " rows");
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null || values[i].length != params) {
                    throw ApiException.badRequest("parameterValues[" + i + "]: needs " + params + " values " + circuit.parameters());
                }
                for (double v : values[i]) {
                    if (!Double.isFinite(v)) {
                        throw ApiException.badRequest("parameterValues[" + i + "]: values must be finite numbers");
                    }
                }
            }
        }
        SamplerPub pub = SamplerPub.of(circuit, shots);
        pub.seed = s.seed;
        pub.parameterValues = values == null || values.length == 0 ? null : values;
        QuantumJob<List<SamplerPubResult>> job;
        try {
            job = sampler.get().run(b.name, List.of(pub));
        } catch (QuantumException e) {
            throw ApiException.badRequest(oneLine(e.getMessage()));
        }
        Jobs.Tracked t = new Jobs.Tracked(job, s.name, call.caller().name(), shots, pub.parameterValues == null ? 1 : values.length,
                circuit.numQubits(), circuit.numClbits(), version(s.qasm), System.currentTimeMillis());
        jobs.add(t);
        return ApiResult.created(path("/jobs/" + t.id), t.dto());
    }

    static String version(String src) {
        String t = src.stripLeading();
        while (t.startsWith("//")) {
            int nl = t.indexOf('\n');
            t = nl < 0 ? "" : t.substring(nl + 1).stripLeading();
        }
        if (t.startsWith("OPENQASM")) {
            String v = t.substring(8).trim();
            return v.startsWith("2") ? "2" : "3";
        }
        return "3";
    }

    static String oneLine(String s) {
        if (s == null) {
            return "refused";
        }
        String t = s.replaceAll("[\\r\\n]+", "; ");
        return t.length() > 400 ? t.substring(0, 400) + "..." : t;
    }

    private Object cancel(ApiCall call) {
        Jobs.Tracked t = jobs.get(call.param("id"));
        QuantumJob<?> j = t.running();
        JobStatus before = t.status();
        if (j == null || before.isFinal()) {
            throw ApiException.conflict(t.id + " has already ended (" + before + "): nothing to cancel");
        }
        if (!j.cancel() && j.status() != JobStatus.CANCELLED) {
            throw ApiException.conflict(t.id + " has already ended (" + j.status() + "): nothing to cancel");
        }
        return t.dto();
    }

    private Object results(ApiCall call) {
        Jobs.Tracked t = jobs.get(call.param("id"));
        JobStatus st = t.status();
        if (!st.isFinal()) {
            throw ApiException.conflict(t.id + " is " + st + ": no results yet (watch " + path("/jobs/" + t.id + "/events") + ")");
        }
        JobResultDTO r = st == JobStatus.DONE ? t.result() : null;
        if (r == null) {
            JobDTO d = t.dto();
            throw ApiException.conflict(t.id + " ended " + d.status + (d.error != null ? ": " + d.error : "") + ": it has no results");
        }
        return r;
    }

    private Object events(ApiCall call) throws IOException {
        Jobs.Tracked t = jobs.get(call.param("id"));
        SseStream sse = call.sse();
        sse.send("status", null, t.dto());
        t.ended().whenComplete((r, e) -> {
            JobDTO d = t.dto();
            sse.send("status", null, d);
            sse.send("end", null, d);
            sse.close();
        });
        return sse;
    }
}
