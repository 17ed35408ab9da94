package org.kumiki.inference.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.http.codec.OipCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol v2 over REST, Triton's model repository extension and Prometheus
 * metrics. Errors are {@code {"error": "..."}} with 400 (bad request, model not ready), 404 (no
 * such model, version or endpoint), 401/403 (token, remote client) or 413 (body too large).
 */
@Component(service = Servlet.class, configurationPid = OipServlet.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@HttpWhiteboardServletPattern({"/v2", "/v2/*", "/metrics"})
@Designate(ocd = OipServlet.Config.class)
public class OipServlet extends HttpServlet {

    public static final String PID = "org.kumiki.inference.http";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OipServlet.class);

    @ObjectClassDefinition(name = "Kumiki OIP v2 REST endpoint", description = "Open Inference Protocol v2, Triton repository extension and /metrics")
    public @interface Config {
        @AttributeDefinition(name = "Bearer token", type = AttributeType.PASSWORD, description = "When set, every request except /v2/health/* must send 'Authorization: Bearer <token>'")
        String bearer_token() default "";

        @AttributeDefinition(name = "Maximum request size", description = "Largest request body in bytes; larger ones get 413", min = "1024")
        long max_request_bytes() default 64L << 20;

        @AttributeDefinition(name = "Allow remote clients", description = "Serve clients that are not on the loopback interface (also set org.apache.felix.http.host)")
        boolean allow_remote() default false;
    }

    private final InferenceService inference;
    private final ModelRepository repository;
    private volatile Config config;
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

    @Activate
    public OipServlet(@Reference InferenceService inference, @Reference ModelRepository repository, Config config) {
        this.inference = inference;
        this.repository = repository;
        this.config = config;
    }

    @Modified
    void modified(Config config) {
        this.config = config;
    }

    /** An HTTP error with its status. */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        int status;
        try {
            checkAccess(req, path);
            status = route(req, resp, req.getMethod().toUpperCase(Locale.ROOT), path);
        } catch (HttpError e) {
            status = e.status;
            sendError(resp, e.status, e.getMessage());
        } catch (InferenceException e) {
            status = statusOf(e);
            sendError(resp, status, e.getMessage());
        } catch (IllegalArgumentException e) {
            status = 400;
            sendError(resp, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("OIP request {} {} failed", req.getMethod(), path, e);
            status = 500;
            sendError(resp, 500, "internal error: " + e);
        }
        byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    static int statusOf(InferenceException e) {
        switch (e.kind()) {
            case NOT_FOUND: return 404;
            case INVALID_ARGUMENT:
            case UNAVAILABLE: return 400;
            default: return 500;
        }
    }

    private void checkAccess(HttpServletRequest req, String path) {
        Config c = config;
        if (!c.allow_remote() && !isLoopback(req.getRemoteAddr())) {
            throw new HttpError(403, "remote clients are not allowed (set allow_remote in " + PID + ")");
        }
        String token = c.bearer_token();
        if (token != null && !token.isEmpty() && !path.startsWith("/v2/health/")) {
            String auth = req.getHeader("Authorization");
            String expected = "Bearer " + token;
            if (auth == null || !MessageDigest.isEqual(auth.trim().getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
                throw new HttpError(401, "a valid bearer token is required");
            }
        }
    }

    static boolean isLoopback(String addr) {
        if (addr == null) {
            return false;
        }
        if (addr.startsWith("127.") || addr.equals("::1") || addr.equals("0:0:0:0:0:0:0:1") || addr.equals("[::1]")) {
            return true;
        }
        try {
            return InetAddress.getByName(addr.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private int route(HttpServletRequest req, HttpServletResponse resp, String method, String path) throws IOException {
        if (path.equals("/metrics")) {
            requireMethod(method, "GET");
            return send(resp, 200, "text/plain; version=0.0.4; charset=utf-8", metrics().getBytes(StandardCharsets.UTF_8));
        }
        String[] p = path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
        // p[0] == "v2"
        if (p.length == 1) {
            requireMethod(method, "GET");
            ObjectNode n = OipCodec.JSON.createObjectNode();
            n.put("name", "kumiki");
            n.put("version", "1.0.0");
            n.putArray("extensions").add("binary_tensor_data").add("model_repository").add("statistics");
            return json(resp, 200, n);
        }
        if (p.length == 3 && p[1].equals("health")) {
            requireMethod(method, "GET");
            if (p[2].equals("live")) {
                return json(resp, 200, OipCodec.JSON.createObjectNode().put("live", true));
            }
            if (p[2].equals("ready")) {
                return json(resp, 200, OipCodec.JSON.createObjectNode().put("ready", true));
            }
        }
        if (p.length >= 3 && p[1].equals("repository")) {
            return repositoryExtension(req, resp, method, p);
        }
        if (p.length >= 2 && p[1].equals("models")) {
            if (p.length == 3 && p[2].equals("stats")) {
                requireMethod(method, "GET");
                return json(resp, 200, stats(null));
            }
            if (p.length < 3 || p[2].isEmpty()) {
                throw new HttpError(404, "no endpoint " + path);
            }
            String model = p[2];
            String version = null;
            int rest = 3;
            if (p.length >= 5 && p[3].equals("versions")) {
                version = p[4];
                rest = 5;
            }
            String action = p.length > rest ? p[rest] : "";
            if (p.length > rest + 1) {
                throw new HttpError(404, "no endpoint " + path);
            }
            switch (action) {
                case "":
                    requireMethod(method, "GET");
                    return json(resp, 200, metadata(inference.metadata(model, version)));
                case "ready": {
                    requireMethod(method, "GET");
                    boolean ready = inference.isReady(model, version);
                    ObjectNode n = OipCodec.JSON.createObjectNode().put("name", model).put("ready", ready);
                    if (!ready) {
                        n.put("error", "model '" + model + "'" + (version == null ? "" : " version " + version) + " is not ready");
                    }
                    return json(resp, ready ? 200 : 400, n);
                }
                case "infer":
                    requireMethod(method, "POST");
                    return infer(req, resp, model, version);
                case "stats":
                    requireMethod(method, "GET");
                    return json(resp, 200, stats(model));
                case "config":
                    requireMethod(method, "GET");
                    return json(resp, 200, tritonConfig(inference.metadata(model, version)));
                default:
                    throw new HttpError(404, "no endpoint " + path);
            }
        }
        throw new HttpError(404, "no endpoint " + path);
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            throw new HttpError(405, "use " + allowed);
        }
    }

    private int repositoryExtension(HttpServletRequest req, HttpServletResponse resp, String method, String[] p) throws IOException {
        if (p.length == 3 && p[2].equals("index")) {
            if (!method.equals("POST") && !method.equals("GET")) {
                throw new HttpError(405, "use POST");
            }
            readBody(req); // Triton accepts an optional {"ready": bool}
            ArrayNode a = OipCodec.JSON.createArrayNode();
            for (ModelStatusDTO s : repository.index()) {
                ObjectNode n = a.addObject();
                n.put("name", s.name);
                if (s.version != null) {
                    n.put("version", s.version);
                }
                n.put("state", s.state);
                if (s.reason != null) {
                    n.put("reason", s.reason);
                }
                if (s.provider != null) {
                    n.put("provider", s.provider);
                }
            }
            return json(resp, 200, a);
        }
        if (p.length == 5 && p[2].equals("models") && (p[4].equals("load") || p[4].equals("unload"))) {
            requireMethod(method, "POST");
            byte[] body = readBody(req);
            if (body.length > 0) {
                OipCodec.parseJson(body, 0, body.length); // Triton's optional {"parameters": {...}}: must at least be JSON
            }
            if (p[4].equals("load")) {
                repository.load(p[3]);
            } else {
                repository.unload(p[3]);
            }
            return json(resp, 200, OipCodec.JSON.createObjectNode());
        }
        throw new HttpError(404, "no endpoint /" + String.join("/", p));
    }

    private int infer(HttpServletRequest req, HttpServletResponse resp, String model, String version) throws IOException {
        byte[] body = readBody(req);
        int headerLength = -1;
        String h = req.getHeader(OipCodec.HEADER_LENGTH);
        if (h != null) {
            try {
                headerLength = Integer.parseInt(h.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, OipCodec.HEADER_LENGTH + " is not a number: " + h);
            }
            if (headerLength < 0) {
                throw new HttpError(400, OipCodec.HEADER_LENGTH + " is negative");
            }
        }
        OipCodec.Request r = OipCodec.parseRequest(body, headerLength);
        InferenceResponse out = inference.infer(new InferenceRequest(model, version, r.id, r.inputs, r.outputs));
        OipCodec.Body b = OipCodec.writeResponse(out.model, out.version, out.id, out.outputs, r::binary);
        if (b.binary.length > 0) {
            resp.setHeader(OipCodec.HEADER_LENGTH, Integer.toString(b.json.length));
            return send(resp, 200, "application/octet-stream", b.bytes());
        }
        return send(resp, 200, "application/json", b.json);
    }

    private byte[] readBody(HttpServletRequest req) throws IOException {
        long max = config.max_request_bytes();
        long declared = req.getContentLengthLong();
        if (declared > max) {
            throw new HttpError(413, "request body of " + declared + " bytes exceeds the limit of " + max + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] buf = new byte[16384];
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > max) {
                    throw new HttpError(413, "request body exceeds the limit of " + max + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static ObjectNode metadata(ModelMetadataDTO m) {
        ObjectNode n = OipCodec.JSON.createObjectNode();
        n.put("name", m.name);
        ArrayNode v = n.putArray("versions");
        m.versions.forEach(v::add);
        n.put("platform", m.platform);
        tensors(n.putArray("inputs"), m.inputs);
        tensors(n.putArray("outputs"), m.outputs);
        return n;
    }

    /** Triton's model configuration as JSON ({@code GET .../config}): dims without the batch dimension. */
    private static ObjectNode tritonConfig(ModelMetadataDTO m) {
        ObjectNode n = OipCodec.JSON.createObjectNode();
        n.put("name", m.name);
        n.put("platform", m.platform);
        n.put("max_batch_size", m.maxBatchSize);
        configTensors(n.putArray("input"), m.inputs, m.maxBatchSize > 0);
        configTensors(n.putArray("output"), m.outputs, m.maxBatchSize > 0);
        if (m.config != null) {
            if (m.config.dynamicBatching) {
                ObjectNode db = n.putObject("dynamic_batching");
                ArrayNode pref = db.putArray("preferred_batch_size");
                m.config.preferredBatchSizes.forEach(pref::add);
                db.put("max_queue_delay_microseconds", m.config.maxQueueDelayMicros);
            }
            n.putArray("instance_group").addObject().put("count", m.config.instanceCount).put("kind", "KIND_CPU");
            ObjectNode params = n.putObject("parameters");
            if (m.config.parameters != null) {
                m.config.parameters.forEach((k, v) -> {
                    if (!k.toLowerCase(Locale.ROOT).contains("token")) {
                        params.putObject(k).put("string_value", v);
                    }
                });
            }
        }
        return n;
    }

    private static void configTensors(ArrayNode a, List<TensorMetadataDTO> list, boolean batched) {
        for (TensorMetadataDTO t : list) {
            ObjectNode o = a.addObject();
            o.put("name", t.name);
            o.put("data_type", "BYTES".equals(t.datatype) ? "TYPE_STRING" : "TYPE_" + t.datatype);
            ArrayNode d = o.putArray("dims");
            for (int i = batched ? 1 : 0; i < t.shape.length; i++) {
                d.add(t.shape[i]);
            }
        }
    }

    private static void tensors(ArrayNode a, List<TensorMetadataDTO> list) {
        for (TensorMetadataDTO t : list) {
            ObjectNode o = a.addObject();
            o.put("name", t.name);
            o.put("datatype", t.datatype);
            ArrayNode s = o.putArray("shape");
            for (long d : t.shape) {
                s.add(d);
            }
        }
    }

    private ObjectNode stats(String model) {
        ObjectNode n = OipCodec.JSON.createObjectNode();
        ArrayNode a = n.putArray("model_stats");
        boolean found = false;
        for (ModelStatsDTO s : inference.statistics()) {
            if (model != null && !model.equals(s.name)) {
                continue;
            }
            found = true;
            ObjectNode o = a.addObject();
            o.put("name", s.name);
            o.put("version", s.version);
            o.put("inference_count", s.inferenceCount);
            o.put("execution_count", s.executionCount);
            ObjectNode is = o.putObject("inference_stats");
            is.putObject("success").put("count", s.requestSuccess).put("ns", s.requestNanos);
            is.putObject("fail").put("count", s.requestFailure);
            is.putObject("queue").put("ns", s.queueNanos);
            is.putObject("compute_infer").put("count", s.executionCount).put("ns", s.computeNanos);
        }
        if (model != null && !found) {
            throw new HttpError(404, "model '" + model + "' is not loaded");
        }
        return n;
    }

    String metrics() {
        List<ModelStatsDTO> stats = inference.statistics();
        StringBuilder sb = new StringBuilder(1024);
        metric(sb, stats, "nv_inference_request_success", "counter", "Number of successful inference requests", s -> s.requestSuccess);
        metric(sb, stats, "nv_inference_request_failure", "counter", "Number of failed inference requests", s -> s.requestFailure);
        metric(sb, stats, "nv_inference_count", "counter", "Number of inferences performed (a batch of n counts n)", s -> s.inferenceCount);
        metric(sb, stats, "nv_inference_exec_count", "counter", "Number of model executions (a merged batch counts 1)", s -> s.executionCount);
        metric(sb, stats, "nv_inference_request_duration_us", "counter", "Cumulative request duration in microseconds", s -> s.requestNanos / 1000);
        metric(sb, stats, "nv_inference_queue_duration_us", "counter", "Cumulative time requests waited in the batch queue in microseconds", s -> s.queueNanos / 1000);
        metric(sb, stats, "nv_inference_compute_infer_duration_us", "counter", "Cumulative engine compute duration in microseconds", s -> s.computeNanos / 1000);
        sb.append("# HELP kumiki_inference_http_responses_total HTTP responses of the OIP endpoint by status\n");
        sb.append("# TYPE kumiki_inference_http_responses_total counter\n");
        for (Map.Entry<Integer, LongAdder> e : new TreeMap<>(byStatus).entrySet()) {
            sb.append("kumiki_inference_http_responses_total{code=\"").append(e.getKey()).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        return sb.toString();
    }

    private static void metric(StringBuilder sb, List<ModelStatsDTO> stats, String name, String type, String help,
            java.util.function.ToLongFunction<ModelStatsDTO> f) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (ModelStatsDTO s : stats) {
            sb.append(name).append("{model=\"").append(s.name).append("\",version=\"").append(s.version).append("\"} ").append(f.applyAsLong(s)).append('\n');
        }
    }

    private static int json(HttpServletResponse resp, int status, Object node) throws IOException {
        return send(resp, status, "application/json", OipCodec.JSON.writeValueAsBytes(node));
    }

    private static int send(HttpServletResponse resp, int status, String type, byte[] body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(type);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        return status;
    }

    private static void sendError(HttpServletResponse resp, int status, String message) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        if (status == 401) {
            resp.setHeader("WWW-Authenticate", "Bearer");
        }
        if (status == 413) {
            // the rest of the body stays unread, so this connection ends with the answer: a
            // keep-alive client that reused it would find it closed under its next request
            resp.setHeader("Connection", "close");
        }
        send(resp, status, "application/json", OipCodec.error(message == null ? "error" : message));
    }
}
