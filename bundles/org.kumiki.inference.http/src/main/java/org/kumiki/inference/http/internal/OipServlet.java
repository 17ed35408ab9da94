package org.kumiki.inference.http.internal;

import org.kumiki.inference.api.ModelState;
import org.kumiki.platform.api.http.HttpClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletInputStream;
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
import org.kumiki.inference.oip.OipCodec;
import org.kumiki.platform.api.secret.SecretFile;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletErrorPage;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol v2 over REST and Triton's model repository extension; Prometheus
 * metrics (Triton's {@code nv_inference_*} families too) are org.kumiki.platform.metrics' {@code
 * /metrics}. Errors are {@code {"error": "..."}} with 400 (bad request, model not ready), 404 (no
 * such model, version or endpoint), 401/403 (token, remote client) or 413 (body too large).
 */
@Component(service = Servlet.class, configurationPid = OipServlet.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@HttpWhiteboardServletPattern({"/v2", "/v2/*", "/"}) // "/": unknown paths answer {"error": ...} too
@HttpWhiteboardServletAsyncSupported // request bodies are read without holding a thread (slow clients)
@HttpWhiteboardServletErrorPage(errorPage = {"4xx", "5xx"}) // the container's own errors answer {"error": ...} too
@Designate(ocd = OipServlet.Config.class)
public class OipServlet extends HttpServlet {

    public static final String PID = "org.kumiki.inference.http";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OipServlet.class);

    @ObjectClassDefinition(name = "Kumiki OIP v2 REST endpoint", description = "Open Inference Protocol v2 and Triton repository extension")
    public @interface Config {
        @AttributeDefinition(name = "Bearer token", type = AttributeType.PASSWORD, description = "When set, every request except /v2/health/* must send 'Authorization: Bearer <token>'. Visible as a service property: prefer bearer.token.file")
        String bearer_token() default "";

        @AttributeDefinition(name = "Bearer token file", description = "File holding the bearer token, owned by the service's user with mode 0600 (instead of bearer.token); any other file is refused and every request but /v2/health/* gets 503")
        String bearer_token_file() default "";

        @AttributeDefinition(name = "Maximum request size", description = "Largest request body in bytes; larger ones get 413", min = "1024")
        long max_request_bytes() default 64L << 20;

        @AttributeDefinition(name = "Minimum request data rate", description = "After the grace period a request body must keep arriving at this average rate (bytes per second); slower or silent clients get 408 and are disconnected", min = "1")
        long min_request_rate() default 4096;

        @AttributeDefinition(name = "Request grace period", description = "Seconds a request body may take before the minimum data rate applies", min = "1")
        int request_grace_seconds() default 10;

        @AttributeDefinition(name = "Maximum pending requests", description = "Request bodies received at the same time; more get 503 at once (health and GET requests are not counted)", min = "1")
        int max_pending_requests() default 256;

        @AttributeDefinition(name = "Allow remote clients", description = "Serve clients that are not on the loopback interface (also set org.apache.felix.http.host)")
        boolean allow_remote() default false;
    }

    private final InferenceService inference;
    private final ModelRepository repository;
    private volatile Config config;
    /** The bearer token in force (null: none), or why the configured one is refused. */
    private volatile BearerToken bearer;
    /** Request bodies being received (asynchronously, without a thread each). */
    private final AtomicInteger pending = new AtomicInteger();
    /** Enforces the minimum data rate of request bodies. */
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kumiki-oip-watchdog");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public OipServlet(@Reference InferenceService inference, @Reference ModelRepository repository, Config config) {
        this.inference = inference;
        this.repository = repository;
        this.config = config;
        this.bearer = BearerToken.of(config);
    }

    @Deactivate
    void deactivate() {
        watchdog.shutdownNow();
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        this.bearer = BearerToken.of(config);
    }

    /** The configured bearer token: inline or from a private file; never printed. */
    static final class BearerToken {
        final String value;
        final String refusal;

        private BearerToken(String value, String refusal) {
            this.value = value;
            this.refusal = refusal;
        }

        static BearerToken of(Config c) {
            try {
                String v = SecretFile.choose("bearer.token", c.bearer_token(), "bearer.token.file", c.bearer_token_file());
                if (v != null && c.bearer_token() != null && !c.bearer_token().isBlank()) {
                    LOG.warn("{}: bearer.token is visible to every bundle as a service property and in scr:info; put the token in a file with mode 0600 and set bearer.token.file instead", PID);
                }
                return new BearerToken(v, null);
            } catch (IllegalArgumentException e) {
                LOG.error("{}: {}; every request but /v2/health/* gets 503 until it is fixed", PID, e.getMessage());
                return new BearerToken(null, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return refusal != null ? "BearerToken[refused]" : value == null ? "BearerToken[none]" : "BearerToken[set]";
        }
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

    /** The request attribute that holds a body received asynchronously. */
    static final String BODY = OipServlet.class.getName() + ".body";

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object errorStatus = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (errorStatus != null) {
            errorPage(req, resp, errorStatus);
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        if (req.getAttribute(BODY) == null && (method.equals("POST") || method.equals("PUT")) && req.getContentLengthLong() != 0) {
            try {
                checkPath(req);
                checkAccess(req, path);
                receive(req, resp, method, path);
            } catch (HttpError e) {
                // refused before its body was received (path, token, client): the connection ends with the answer
                sendError(resp, e.status, e.getMessage(), true);
            }
            return;
        }
        handle(req, resp, method, path);
    }

    /** Answers a request whose body (if any) has been received. */
    private void handle(HttpServletRequest req, HttpServletResponse resp, String method, String path) throws IOException {
        try {
            checkPath(req);
            checkAccess(req, path);
            route(req, resp, method, path);
        } catch (HttpError e) {
            sendError(resp, e.status, e.getMessage());
        } catch (InferenceException e) {
            sendError(resp, statusOf(e), e.getMessage());
        } catch (IllegalArgumentException e) {
            sendError(resp, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("OIP request {} {} failed", req.getMethod(), path, e);
            sendError(resp, 500, "internal error: " + e);
        }
    }

    /** The container's own errors (no servlet for a path, a refused request) as {@code {"error": ...}}. */
    private void errorPage(HttpServletRequest req, HttpServletResponse resp, Object status) throws IOException {
        int code = status instanceof Integer ? (Integer) status : 500;
        Object message = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String text = message instanceof String && !((String) message).isEmpty() ? (String) message
                : code == 404 ? "no endpoint " + (uri == null ? "" : uri) : "HTTP " + code;
        resp.setStatus(code);
        resp.setContentType("application/json");
        byte[] body = OipCodec.error(text);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /**
     * Refuses ambiguous paths: an encoded '/', '.' or '\', an empty segment or a dot segment in
     * the raw URI would name one resource while the container routes another.
     */
    static void checkPath(HttpServletRequest req) {
        String raw = req.getRequestURI();
        String why = ambiguity(raw);
        if (why != null) {
            throw new HttpError(400, "ambiguous path " + (raw.length() > 80 ? raw.substring(0, 80) + "..." : raw) + ": " + why);
        }
    }

    static String ambiguity(String raw) {
        if (raw == null) {
            return null;
        }
        String r = raw.toLowerCase(Locale.ROOT);
        if (r.contains("%2f") || r.contains("%5c") || r.contains("\\")) {
            return "encoded path separator";
        }
        if (r.contains("%2e")) {
            return "encoded '.'";
        }
        if (r.contains("%00")) {
            return "encoded NUL";
        }
        if (r.startsWith("//") || r.contains("//")) {
            return "empty path segment";
        }
        for (String seg : r.split("/", -1)) {
            int semi = seg.indexOf(';');
            String name = semi < 0 ? seg : seg.substring(0, semi);
            if (name.equals(".") || name.equals("..")) {
                return "dot segment";
            }
            if (semi >= 0) {
                return "path parameter ';'";
            }
        }
        return null;
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
        BearerToken b = bearer;
        if (b.refusal != null && !path.startsWith("/v2/health/")) {
            throw new HttpError(503, "the server's bearer token configuration is refused (see its log)");
        }
        String token = b.value;
        if (token != null && !token.isEmpty() && !path.startsWith("/v2/health/")) {
            String presented = bearerToken(req.getHeader("Authorization"));
            if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                throw new HttpError(401, "a valid bearer token is required");
            }
        }
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive
     * (RFC 9110 11.1), e.g. {@code bearer} and {@code BEARER} too. Null for another scheme or none.
     */
    static String bearerToken(String header) {
        return HttpClients.bearerToken(header);
    }

    static boolean isLoopback(String addr) {
        return HttpClients.isLoopback(addr);
    }

    private int route(HttpServletRequest req, HttpServletResponse resp, String method, String path) throws IOException {
        if (!path.equals("/v2") && !path.startsWith("/v2/")) {
            throw new HttpError(404, "no endpoint " + path);
        }
        String[] p = path.substring(1).split("/", -1); // p[0] == "v2"
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
                List<String> notReady = notReady(repository.index());
                ObjectNode n = OipCodec.JSON.createObjectNode().put("ready", notReady.isEmpty());
                if (!notReady.isEmpty()) {
                    n.put("error", "not ready: " + String.join("; ", notReady));
                }
                return json(resp, notReady.isEmpty() ? 200 : 400, n);
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

    /**
     * The models that should serve but do not: loading, or failed to load. A model folder that was
     * never loaded or was unloaded on purpose does not make the server unready.
     */
    static List<String> notReady(List<ModelStatusDTO> index) {
        List<String> out = new java.util.ArrayList<>();
        for (ModelStatusDTO s : index) {
            if (s.state == ModelState.READY) {
                continue;
            }
            if (s.state == ModelState.UNAVAILABLE && ("not loaded".equals(s.reason) || "unloaded".equals(s.reason))) {
                continue;
            }
            out.add("model '" + s.name + "'" + (s.version == null ? "" : " version " + s.version) + " is " + s.state
                    + (s.reason == null ? "" : " (" + s.reason + ")"));
        }
        return out;
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
            byte[] body = readBody(req); // Triton's optional {"ready": bool}: true lists only the ready models
            boolean onlyReady = false;
            if (body.length > 0) {
                JsonNode q = OipCodec.parseJson(body, 0, body.length);
                for (java.util.Iterator<String> it = q.fieldNames(); it.hasNext();) {
                    String f = it.next();
                    if (!f.equals("ready")) {
                        throw new HttpError(400, "unknown field '" + f + "' in the index request: only \"ready\" is supported");
                    }
                }
                JsonNode ready = q.get("ready");
                if (ready != null && !ready.isBoolean()) {
                    throw new HttpError(400, "'ready' must be true or false, got " + ready);
                }
                onlyReady = ready != null && ready.asBoolean();
            }
            ArrayNode a = OipCodec.JSON.createArrayNode();
            for (ModelStatusDTO s : repository.index()) {
                if (onlyReady && s.state != ModelState.READY) {
                    continue;
                }
                ObjectNode n = a.addObject();
                n.put("name", s.name);
                if (s.version != null) {
                    n.put("version", s.version);
                }
                n.put("state", s.state == null ? null : s.state.name());
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
                loadParameters(OipCodec.parseJson(body, 0, body.length), p[4]);
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

    /**
     * Triton's optional {@code {"parameters": {...}}} of load and unload. Kumiki reads a model's
     * configuration from its folder only, so a configuration or file override in the request is
     * refused instead of being ignored while answering 200.
     */
    static void loadParameters(JsonNode body, String action) {
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("parameters")) {
                throw new HttpError(400, "unknown field '" + f + "' in the " + action + " request: only \"parameters\" is supported");
            }
        }
        JsonNode params = body.get("parameters");
        if (params == null || params.isNull()) {
            return;
        }
        if (!params.isObject()) {
            throw new HttpError(400, "'parameters' must be a JSON object");
        }
        for (java.util.Iterator<String> it = params.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (f.equals("config") || f.startsWith("file:")) {
                throw new HttpError(400, "parameters." + f + " is not supported: Kumiki loads a model's configuration from its folder"
                        + " (config.pbtxt or config.json beside the version folders); write it there and load again");
            }
            throw new HttpError(400, "unsupported " + action + " parameter '" + f + "'");
        }
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
        Object received = req.getAttribute(BODY);
        if (received instanceof byte[]) {
            return (byte[]) received;
        }
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
        sendError(resp, status, message, false);
    }

    /** As above; {@code bodyUnread}: the request's body was not read, so the connection must end. */
    private static void sendError(HttpServletResponse resp, int status, String message, boolean bodyUnread) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        if (status == 401) {
            resp.setHeader("WWW-Authenticate", "Bearer");
        }
        if (bodyUnread || status == 413 || status == 408 || status == 503) {
            // the rest of the body stays unread, so this connection ends with the answer: a
            // keep-alive client that reused it would find it closed under its next request
            resp.setHeader("Connection", "close");
        }
        send(resp, status, "application/json", OipCodec.error(message == null ? "error" : message));
    }

    // ---- request bodies, received without a thread each

    /**
     * Starts receiving a request body asynchronously; {@link #handle} answers once all of it is
     * there. A client that sends it slower than {@code min.request.rate} after the grace period (or
     * not at all) gets 408 and is disconnected; one that drops the connection costs one log line.
     */
    private void receive(HttpServletRequest req, HttpServletResponse resp, String method, String path) throws IOException {
        Config c = config;
        long declared = req.getContentLengthLong();
        if (declared > c.max_request_bytes()) {
            throw new HttpError(413, "request body of " + declared + " bytes exceeds the limit of " + c.max_request_bytes() + " bytes");
        }
        if (pending.incrementAndGet() > c.max_pending_requests()) {
            pending.decrementAndGet();
            throw new HttpError(503, "server busy: " + c.max_pending_requests() + " request bodies are being received (max.pending.requests); retry later");
        }
        Upload u;
        try {
            AsyncContext ac = req.startAsync(req, resp);
            ac.setTimeout(0); // the watchdog enforces the data rate
            u = new Upload(ac, req, resp, method, path, declared, c);
            long period = Math.max(100, Math.min(1000, TimeUnit.SECONDS.toMillis(c.request_grace_seconds()) / 2));
            u.check = watchdog.scheduleWithFixedDelay(u::checkRate, period, period, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            throw e;
        }
        req.getInputStream().setReadListener(u);
    }

    /** One request body being received. */
    private final class Upload implements ReadListener {
        final AsyncContext ac;
        final HttpServletRequest req;
        final HttpServletResponse resp;
        final String method;
        final String path;
        final long declared;
        final long max;
        final long minRate;
        final long graceNanos;
        final long start = System.nanoTime();
        final ByteArrayOutputStream body;
        final String client;
        volatile ScheduledFuture<?> check;
        private boolean done; // guarded by this
        private long received; // guarded by this

        Upload(AsyncContext ac, HttpServletRequest req, HttpServletResponse resp, String method, String path, long declared, Config c) {
            this.ac = ac;
            this.req = req;
            this.resp = resp;
            this.method = method;
            this.path = path;
            this.declared = declared;
            this.max = c.max_request_bytes();
            this.minRate = c.min_request_rate();
            this.graceNanos = TimeUnit.SECONDS.toNanos(c.request_grace_seconds());
            this.body = new ByteArrayOutputStream(declared > 0 ? (int) Math.min(declared, 1 << 20) : 1024);
            this.client = req.getRemoteAddr() + ":" + req.getRemotePort();
        }

        @Override
        public void onDataAvailable() throws IOException {
            ServletInputStream in = req.getInputStream();
            byte[] buf = new byte[16384];
            synchronized (this) {
                while (!done && in.isReady()) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return; // onAllDataRead follows
                    }
                    if (received + n > max) {
                        fail(413, "request body exceeds the limit of " + max + " bytes", null);
                        return;
                    }
                    body.write(buf, 0, n);
                    received += n;
                }
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            finished();
            try {
                req.setAttribute(BODY, body.toByteArray());
                handle(req, resp, method, path);
            } finally {
                ac.complete();
            }
        }

        @Override
        public void onError(Throwable t) {
            String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
            fail(0, null, "dropped (" + why + ")");
        }

        /** Runs on the watchdog: a body slower than the minimum rate after the grace period ends the request. */
        void checkRate() {
            long elapsed = System.nanoTime() - start;
            long got;
            synchronized (this) {
                if (done || elapsed < graceNanos) {
                    return;
                }
                got = received;
            }
            double seconds = elapsed / 1e9;
            if (got < minRate * seconds) {
                fail(408, String.format(Locale.ROOT, "request body too slow: %d bytes in %.1f s, the minimum is %d bytes/s (min.request.rate in %s)",
                        got, seconds, minRate, PID), "too slow");
            }
        }

        /**
         * Ends the request once: answers {@code status} (0: the client is gone, nothing to answer)
         * and logs one line, never a stack trace.
         */
        void fail(int status, String message, String logReason) {
            long got;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                got = received;
            }
            finished();
            LOG.info("OIP client {} {} {} {} after {} of {} bytes in {} ms", client, logReason != null ? logReason : "refused (" + status + ")",
                    method, path, got, declared < 0 ? "?" : Long.toString(declared), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            try {
                if (status > 0) {
                    sendError(resp, status, message);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("OIP client {}: answer not sent: {}", client, e.toString());
            } finally {
                try {
                    ac.complete();
                } catch (RuntimeException e) {
                    LOG.debug("OIP client {}: {}", client, e.toString());
                }
            }
        }

        private void finished() {
            ScheduledFuture<?> f = check;
            if (f != null) {
                f.cancel(false);
            }
            pending.decrementAndGet();
        }
    }
}
