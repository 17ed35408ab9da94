package org.kumiki.quantum.remote.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.kumiki.platform.api.secret.SecretFile;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmVersion;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Register;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.api.spi.BackendJob;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IBM Qiskit Runtime (REST API v1) as a {@link QuantumBackend}: Sampler V2 jobs whose PUBs are
 * OpenQASM 3 programs. One instance per factory configuration; the API key comes from a private
 * file ({@code api.key.file}, mode 0600) or the private property {@code .apiKey} (not a service
 * property) and is never logged.
 */
@Component(configurationPid = "org.kumiki.quantum.ibm", configurationPolicy = ConfigurationPolicy.REQUIRE, service = QuantumBackend.class)
@Designate(ocd = IbmRuntimeBackend.Config.class, factory = true)
public class IbmRuntimeBackend implements QuantumBackend {

    @ObjectClassDefinition(name = "Kumiki IBM Qiskit Runtime backend")
    public @interface Config {
        @AttributeDefinition(description = "Kumiki backend name (default: the IBM backend name)")
        String name() default "";

        @AttributeDefinition(description = "IBM backend, e.g. ibm_brisbane")
        String backend();

        @AttributeDefinition(description = "Service CRN of the Qiskit Runtime instance")
        String serviceCrn();

        @AttributeDefinition(name = "API key", description = "IBM Cloud API key (stored as the private property .apiKey); prefer api.key.file", type = AttributeType.PASSWORD)
        String _apiKey() default "";

        @AttributeDefinition(name = "API key file", description = "File holding the IBM Cloud API key, owned by the service's user with mode 0600 (instead of .apiKey)")
        String api_key_file() default "";

        @AttributeDefinition(description = "Qiskit Runtime API base URL")
        String url() default "https://quantum.cloud.ibm.com/api";

        @AttributeDefinition(description = "IBM Cloud IAM token URL")
        String iamUrl() default "https://iam.cloud.ibm.com/identity/token";

        @AttributeDefinition(description = "IBM-API-Version header")
        String apiVersion() default "2025-05-01";

        @AttributeDefinition(description = "Milliseconds between job status polls")
        long pollMillis() default 2000;

        @AttributeDefinition(description = "HTTP timeout in seconds")
        int httpTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Most shots per PUB when the backend configuration cannot be read")
        int maxShots() default 100_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(IbmRuntimeBackend.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final QasmCodec codec;
    private final String name;
    private final String backend;
    private final String crn;
    /** The API key; null when {@link #keyRefusal} says why the configured one is refused. */
    private final String apiKey;
    private final String keyRefusal;
    private final String url;
    private final String iamUrl;
    private final String apiVersion;
    private final long pollMillis;
    private final Duration timeout;
    private final int defaultMaxShots;
    private final HttpClient http;
    private final ScheduledExecutorService poller;

    private String token;
    private long tokenExpiresAt;
    private volatile TargetDTO target;
    private volatile TargetDTO fallback;
    private volatile long fallbackUntil;

    @Activate
    public IbmRuntimeBackend(@Reference QasmCodec codec, Config config) {
        this.codec = codec;
        this.backend = required("backend", config.backend());
        this.crn = required("serviceCrn", config.serviceCrn());
        this.name = config.name() == null || config.name().isBlank() ? backend : config.name().trim();
        String key = null;
        String refusal = null;
        try {
            key = SecretFile.choose(".apiKey", config._apiKey(), "api.key.file", config.api_key_file());
            if (key != null && config._apiKey() != null && !config._apiKey().isBlank()) {
                LOG.warn("IBM Qiskit Runtime backend '{}': .apiKey is stored in Config Admin and shown by scr:info; put the key in a file with mode 0600 and set api.key.file instead", name);
            }
        } catch (IllegalArgumentException e) {
            // fails closed: the backend stays listed, and every use answers this one line
            refusal = e.getMessage();
            LOG.error("IBM Qiskit Runtime backend '{}': {}; its jobs fail until it is fixed", name, refusal);
        }
        if (key == null && refusal == null) throw new IllegalArgumentException("configuration property '.apiKey' or 'api.key.file' is required");
        this.apiKey = key;
        this.keyRefusal = refusal;
        this.url = stripSlash(required("url", config.url()));
        this.iamUrl = required("iamUrl", config.iamUrl());
        this.apiVersion = config.apiVersion();
        this.pollMillis = Math.max(10, config.pollMillis());
        this.timeout = Duration.ofSeconds(Math.max(1, config.httpTimeoutSeconds()));
        this.defaultMaxShots = Math.max(1, config.maxShots());
        for (String u : new String[] {url, iamUrl}) {
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid URL '" + u + "'");
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) throw new IllegalArgumentException("URL must be http(s): " + u);
        }
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        AtomicInteger n = new AtomicInteger();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-ibm-runtime-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LOG.info("IBM Qiskit Runtime backend '{}' for {} at {}", name, backend, url);
    }

    private static String required(String key, String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException("configuration property '" + key + "' is required");
        return v.trim();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Deactivate
    public void close() {
        poller.shutdownNow();
    }

    @Override
    public String name() { return name; }

    @Override
    public String toString() { return "IbmRuntimeBackend[" + name + " -> " + backend + "]"; }

    // ---- HTTP --------------------------------------------------------------------------------

    /** Removes the API key and bearer token from any text that may reach a log or a user. */
    String redact(String s) {
        if (s == null) return "";
        String r = apiKey == null ? s : s.replace(apiKey, "***");
        String t = token;
        if (t != null && !t.isEmpty()) r = r.replace(t, "***");
        r = r.replace('\n', ' ').replace('\r', ' ');
        return r.length() > 300 ? r.substring(0, 300) + "..." : r;
    }

    synchronized String bearer() {
        if (keyRefusal != null) throw new QuantumException("IBM Quantum backend '" + name + "': " + keyRefusal);
        long now = System.currentTimeMillis();
        if (token != null && now < tokenExpiresAt) return token;
        String body = "grant_type=" + URLEncoder.encode("urn:ibm:params:oauth:grant-type:apikey", StandardCharsets.UTF_8)
                + "&apikey=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(iamUrl)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        JsonNode json = send(req, "IAM token");
        JsonNode t = json.get("access_token");
        if (t == null || !t.isTextual() || t.asText().isEmpty()) throw new QuantumException("IBM IAM answered without an access_token");
        long expiresIn = json.path("expires_in").asLong(3600);
        token = t.asText();
        tokenExpiresAt = now + Math.max(0, expiresIn - 60) * 1000;
        return token;
    }

    private HttpRequest.Builder api(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + bearer())
                .header("Service-CRN", crn);
        if (apiVersion != null && !apiVersion.isBlank()) b.header("IBM-API-Version", apiVersion);
        return b;
    }

    private JsonNode send(HttpRequest req, String what) {
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new QuantumException("IBM Quantum " + what + ": " + redact(m));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantumException("interrupted during IBM Quantum " + what);
        }
        int code = resp.statusCode();
        if (code < 200 || code >= 300) {
            if (code == 401 || code == 403) {
                synchronized (this) { token = null; }
                throw new QuantumException("IBM Quantum " + what + ": HTTP " + code + " (check the API key and service CRN): " + redact(resp.body()));
            }
            throw new QuantumException("IBM Quantum " + what + ": HTTP " + code + ": " + redact(resp.body()));
        }
        String body = resp.body();
        if (body == null || body.isBlank()) return JSON.createObjectNode();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new QuantumException("IBM Quantum " + what + ": the answer is not JSON");
        }
    }

    // ---- target --------------------------------------------------------------------------------

    @Override
    public TargetDTO target() {
        TargetDTO t = target;
        if (t != null) return t;
        TargetDTO f = fallback;
        if (f != null && System.currentTimeMillis() < fallbackUntil) return f;
        TargetDTO fresh = new TargetDTO();
        fresh.simulator = false;
        fresh.maxShots = defaultMaxShots;
        fresh.maxExperiments = 300;
        fresh.dynamicCircuits = true;
        fresh.description = "IBM Qiskit Runtime " + backend;
        try {
            JsonNode c = send(api("/v1/backends/" + URLEncoder.encode(backend, StandardCharsets.UTF_8) + "/configuration").GET().build(), "backend configuration");
            fresh.numQubits = c.path("n_qubits").asInt(0);
            fresh.basisGates = new ArrayList<>();
            for (JsonNode g : c.path("basis_gates")) fresh.basisGates.add(g.asText());
            if (c.has("coupling_map") && c.get("coupling_map").isArray()) {
                fresh.couplingMap = new ArrayList<>();
                for (JsonNode e : c.get("coupling_map")) fresh.couplingMap.add(new int[] {e.path(0).asInt(), e.path(1).asInt()});
            }
            if (c.has("max_shots")) fresh.maxShots = c.get("max_shots").asInt(defaultMaxShots);
            if (c.has("max_experiments")) fresh.maxExperiments = c.get("max_experiments").asInt(300);
            fresh.simulator = c.path("simulator").asBoolean(false);
            target = fresh;
        } catch (QuantumException e) {
            LOG.warn("cannot read the configuration of {}: {}", backend, e.getMessage());
            fresh.description += " (configuration unavailable: " + e.getMessage() + ")";
            fresh.basisGates = List.of();
            fallback = fresh;
            fallbackUntil = System.currentTimeMillis() + 60_000; // ask again in a minute, not on every listing
        }
        return fresh;
    }

    /** Checks that the circuit is in the backend's instruction set: its gates and its coupling map. */
    void checkIsa(QuantumCircuit c, TargetDTO t) {
        if (t.numQubits > 0 && c.numQubits() > t.numQubits) {
            throw new QuantumException("circuit needs " + c.numQubits() + " qubits; " + backend + " has " + t.numQubits);
        }
        Set<String> basis = new HashSet<>(t.basisGates == null ? List.of() : t.basisGates);
        Set<Long> edges = new HashSet<>();
        if (t.couplingMap != null) for (int[] e : t.couplingMap) edges.add(((long) e[0] << 32) | e[1]);
        for (Instruction in : c.instructions()) {
            if (in.kind() != Instruction.Kind.GATE) continue;
            String n = isaName(in);
            if (!basis.isEmpty() && !basis.contains(n)) {
                throw new QuantumException("gate '" + n + "' is not native on " + backend + " (basis: " + String.join(", ", t.basisGates) + "); transpile the circuit first");
            }
            if (in.numQubits() == 2 && t.couplingMap != null && !edges.contains(((long) in.qubit(0) << 32) | in.qubit(1))) {
                throw new QuantumException("qubits " + in.qubit(0) + " and " + in.qubit(1) + " are not coupled on " + backend + "; transpile the circuit first");
            }
        }
    }

    private static String isaName(Instruction in) {
        String base = in.gate() == null ? "?" : in.gate().qasmName();
        if (in.numControls() == 0) return base;
        if (in.numControls() == 1 && in.ctrlState() == 1) return "c" + base;
        if (in.numControls() == 2 && in.ctrlState() == 3) return "cc" + base;
        return "mc" + base;
    }

    // ---- sampling ------------------------------------------------------------------------------

    @Override
    public QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs) {
        if (pubs == null || pubs.isEmpty()) throw new QuantumException("no PUBs to run");
        TargetDTO t = target();
        ObjectNode body = JSON.createObjectNode();
        body.put("program_id", "sampler");
        body.put("backend", backend);
        ObjectNode params = body.putObject("params");
        ArrayNode jpubs = params.putArray("pubs");
        List<int[]> shape = new ArrayList<>(); // per PUB: bindings
        List<QuantumCircuit> circuits = new ArrayList<>();
        for (SamplerPub p : pubs) {
            if (p == null || p.circuit == null) throw new QuantumException("a PUB needs a circuit");
            if (p.circuit.numClbits() == 0) throw new QuantumException("the circuit has no classical bits: add measurements to sample it");
            if (p.shots < 0 || p.shots > t.maxShots) throw new QuantumException("shots must be between 1 and " + t.maxShots + " on " + backend + ", got " + p.shots);
            checkIsa(p.circuit, t);
            String qasm = codec.export(p.circuit, QasmVersion.V3);
            List<String> names = p.circuit.parameters();
            double[][] rows = p.parameterValues;
            if ((rows == null || rows.length == 0) && !names.isEmpty()) throw new QuantumException("the circuit has parameters " + names + " but the PUB gives no values");
            int bindings = rows == null || rows.length == 0 ? 1 : rows.length;
            for (int b = 0; b < bindings; b++) {
                ArrayNode pub = jpubs.addArray();
                pub.add(qasm);
                if (names.isEmpty()) pub.addNull();
                else {
                    if (rows[b] == null || rows[b].length != names.size()) throw new QuantumException("each row of parameter values needs " + names.size() + " value(s) " + names);
                    ObjectNode values = pub.addObject();
                    for (int k = 0; k < names.size(); k++) {
                        if (!Double.isFinite(rows[b][k])) throw new QuantumException("parameter values must be finite");
                        values.put(names.get(k), rows[b][k]);
                    }
                }
                if (p.shots > 0) pub.add(p.shots);
                else pub.addNull();
                circuits.add(p.circuit);
            }
            shape.add(new int[] {bindings});
        }
        params.put("version", "2");
        BackendJob<List<SamplerPubResult>> job = new BackendJob<>(name);
        poller.execute(() -> submit(job, body, shape, circuits));
        return job;
    }

    private void submit(BackendJob<List<SamplerPubResult>> job, ObjectNode body, List<int[]> shape, List<QuantumCircuit> circuits) {
        if (job.isCancelled()) return;
        try {
            HttpRequest req = api("/v1/jobs").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            JsonNode created = send(req, "job submission");
            String remoteId = created.path("id").asText("");
            if (remoteId.isEmpty() || !remoteId.matches("[A-Za-z0-9_.-]{1,128}")) throw new QuantumException("IBM Quantum returned no valid job id");
            LOG.info("job {} submitted to {} as IBM job {}", job.id(), backend, remoteId);
            job.onCancel(() -> poller.execute(() -> {
                try {
                    send(api("/v1/jobs/" + remoteId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build(), "cancel");
                } catch (RuntimeException e) {
                    LOG.warn("cancelling IBM job {} failed: {}", remoteId, e.getMessage());
                }
            }));
            poll(job, remoteId, shape, circuits);
        } catch (Exception e) {
            job.fail(e instanceof QuantumException ? e : new QuantumException(redact(String.valueOf(e.getMessage()))));
        }
    }

    private void poll(BackendJob<List<SamplerPubResult>> job, String remoteId, List<int[]> shape, List<QuantumCircuit> circuits) {
        if (job.isCancelled()) return;
        try {
            JsonNode j = send(api("/v1/jobs/" + remoteId).GET().build(), "job status");
            String status = j.path("state").path("status").asText(j.path("status").asText(""));
            switch (status.toLowerCase()) {
                case "queued":
                    break;
                case "running":
                    job.running();
                    break;
                case "completed": {
                    job.running();
                    JsonNode res = send(api("/v1/jobs/" + remoteId + "/results").GET().build(), "job results");
                    job.complete(results(res, shape, circuits));
                    return;
                }
                case "failed": {
                    String reason = j.path("state").path("reason").asText("no reason given");
                    job.fail(new QuantumException("IBM job " + remoteId + " failed: " + redact(reason)));
                    return;
                }
                case "cancelled":
                    job.cancel();
                    return;
                default:
                    job.fail(new QuantumException("IBM job " + remoteId + " has an unknown status '" + redact(status) + "'"));
                    return;
            }
            poller.schedule(() -> poll(job, remoteId, shape, circuits), pollMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            job.fail(e instanceof QuantumException ? e : new QuantumException(redact(String.valueOf(e.getMessage()))));
        }
    }

    /** Sampler V2 results: {"results": [{"data": {"REG": {"samples": ["0x3", ...], "num_bits": 2}}}]}. */
    static List<SamplerPubResult> results(JsonNode res, List<int[]> shape, List<QuantumCircuit> circuits) {
        JsonNode arr = res.path("results");
        if (!arr.isArray() || arr.size() != circuits.size()) {
            throw new QuantumException("IBM Quantum returned " + (arr.isArray() ? arr.size() : 0) + " result(s) for " + circuits.size() + " PUB(s)");
        }
        List<SamplerPubResult> out = new ArrayList<>();
        int k = 0;
        for (int[] s : shape) {
            SamplerPubResult r = new SamplerPubResult();
            r.data = new ArrayList<>();
            r.metadata = new LinkedHashMap<>();
            for (int b = 0; b < s[0]; b++, k++) {
                QuantumCircuit c = circuits.get(k);
                JsonNode data = arr.get(k).path("data");
                long[] samples = null;
                for (Register reg : c.cregs()) {
                    JsonNode d = data.path(reg.name());
                    JsonNode sm = d.path("samples");
                    if (!sm.isArray()) throw new QuantumException("IBM Quantum returned no samples for register '" + reg.name() + "'");
                    if (samples == null) samples = new long[sm.size()];
                    if (sm.size() != samples.length) throw new QuantumException("registers have different shot counts");
                    for (int i = 0; i < samples.length; i++) {
                        String hex = sm.get(i).asText("");
                        long v;
                        try {
                            v = Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
                        } catch (NumberFormatException e) {
                            throw new QuantumException("IBM Quantum returned a sample that is not hexadecimal");
                        }
                        if (reg.size() < 63 && (v >>> reg.size()) != 0) throw new QuantumException("sample " + hex + " does not fit register " + reg.name());
                        samples[i] |= v << reg.offset();
                    }
                }
                SampleDTO d = new SampleDTO();
                d.shots = samples == null ? 0 : samples.length;
                d.samples = samples;
                d.counts = new TreeMap<>();
                d.registers = new LinkedHashMap<>();
                for (Register reg : c.cregs()) d.registers.put(reg.name(), new TreeMap<>());
                if (samples != null) {
                    for (long v : samples) {
                        d.counts.merge(bits(v, 0, c.numClbits()), 1, Integer::sum);
                        for (Register reg : c.cregs()) d.registers.get(reg.name()).merge(bits(v, reg.offset(), reg.size()), 1, Integer::sum);
                    }
                }
                r.data.add(d);
                JsonNode meta = arr.get(k).path("metadata");
                if (meta.isObject()) r.metadata.put("ibm", JSON.convertValue(meta, Map.class));
            }
            out.add(r);
        }
        return out;
    }

    static String bits(long v, int offset, int size) {
        StringBuilder sb = new StringBuilder(size);
        for (int i = offset + size - 1; i >= offset; i--) sb.append((v >>> i & 1) != 0 ? '1' : '0');
        return sb.toString();
    }
}
