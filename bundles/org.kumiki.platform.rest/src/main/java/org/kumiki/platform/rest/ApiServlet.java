package org.kumiki.platform.rest;

import org.kumiki.platform.api.http.HttpClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every domain's REST resources, mounted at {@code /api/<api>}. A subclass is a DS
 * component registered as a whiteboard servlet:
 *
 * <pre>
 * &#64;Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=scheduler")
 * &#64;HttpWhiteboardServletPattern({"/api/scheduler", "/api/scheduler/*"})
 * &#64;HttpWhiteboardServletAsyncSupported
 * public class SchedulerApi extends ApiServlet {
 *     &#64;Activate
 *     public SchedulerApi(&#64;Reference Scheduler scheduler, &#64;Reference AccessControl access) {
 *         super("scheduler", access);
 *         route("GET", "/tasks/{id}", Role.VIEWER, "One task", call -&gt; ...).returns(TaskRecordDTO.class);
 *     }
 * }
 * </pre>
 *
 * Every call needs {@code Authorization: Bearer <token>} (tokens are made with
 * {@code kumiki:token-add NAME ROLE}); the caller's role must include the route's. Plain HTTP is
 * served to loopback clients only; other hosts must come over HTTPS. Errors are
 * {@code {"error": "...", "status": N}}; an unexpected failure is a 500 naming an incident number
 * that is logged with the stack trace.
 */
public abstract class ApiServlet extends HttpServlet {

    /** Service property naming the API (the mount below /api); the OpenAPI document merges them. */
    public static final String API_PROPERTY = "kumiki.rest.api";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final AtomicLong INCIDENTS = new AtomicLong();

    private final String api;
    private final transient AccessControl access;
    private final transient List<Route> routes = new ArrayList<>();
    private final transient Idempotency idempotency = new Idempotency(10_000, 24L * 3600 * 1000);

    protected ApiServlet(String api, AccessControl access) {
        if (!api.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("an API name is lower-case letters, digits and '-': " + api);
        }
        this.api = api;
        this.access = access;
    }

    /** Adds a route; describe it further with the returned {@link Route}'s methods. */
    protected final Route route(String method, String template, Role role, String summary, Route.Handler handler) {
        Route r = new Route(method, template, role, summary, handler);
        for (Route o : routes) {
            if (o.method.equals(method) && String.join("/", o.segments).equals(String.join("/", r.segments))) {
                throw new IllegalArgumentException("route " + method + " " + template + " is declared twice");
            }
        }
        routes.add(r);
        return r;
    }

    /** The API's name (its mount below /api). */
    public final String api() {
        return api;
    }

    /** The routes, in declaration order. */
    public final List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    /** The full path of a route template, e.g. {@code /api/scheduler/tasks/{id}}. */
    public final String path(String template) {
        return "/api/" + api + template;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        String info = req.getPathInfo() == null ? "" : req.getPathInfo();
        String action = method + " /api/" + api + info;
        try {
            String refused = org.kumiki.platform.rest.internal.RestGuard.refusal();
            if (refused != null) {
                throw new ApiException(503, "the REST API is refused: " + refused);
            }
            if (!req.isSecure() && !loopback(req.getRemoteAddr())) {
                throw new ApiException(403, "plain HTTP from another host is refused: use HTTPS (org.apache.felix.https.enable) or an SSH tunnel");
            }
            String[] segs = Route.split(info);
            Route route = null;
            Map<String, String> params = null;
            Set<String> allowed = new LinkedHashSet<>();
            for (Route r : routes) {
                Map<String, String> m = r.match(segs);
                if (m != null) {
                    allowed.add(r.method);
                    if (r.method.equals(method) || (method.equals("HEAD") && r.method.equals("GET") && route == null)) {
                        route = r;
                        params = m;
                    }
                }
            }
            if (route == null) {
                if (allowed.isEmpty()) {
                    throw ApiException.notFound("no such endpoint: " + Text.quote(action) + " (the API is described at /api/openapi.json)");
                }
                throw new ApiException(405, method + " is not allowed here; allowed: " + String.join(", ", allowed))
                        .header("Allow", String.join(", ", allowed));
            }
            Caller caller = authenticate(req, resp);
            Optional<String> refusal = access.check(caller, route.role, method + " " + path(route.template));
            if (refusal.isPresent()) {
                throw new ApiException(403, refusal.get());
            }
            ApiCall call = new ApiCall(req, resp, route, caller, params);
            if (route.idempotent && call.idempotencyKey() != null) {
                answerIdempotent(call, resp);
                return;
            }
            Object result = route.handler.handle(call);
            if (result instanceof SseStream) {
                return;
            }
            Stored s = render(result, route);
            write(resp, s);
        } catch (Throwable t) {
            if (req.isAsyncStarted()) {
                LOG.debug("event stream {} ended: {}", action, t.toString());
                return;
            }
            Stored s = error(t, action);
            if (!resp.isCommitted()) {
                resp.reset();
                if (s.status == 401) {
                    resp.setHeader("WWW-Authenticate", "Bearer realm=\"kumiki\"");
                }
                if (req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null) {
                    // the body may be unread (refused before it was needed): Jetty then drops the
                    // connection after the answer, so tell the client not to reuse it
                    resp.setHeader("Connection", "close");
                }
                write(resp, s);
            }
        }
    }

    private Caller authenticate(HttpServletRequest req, HttpServletResponse resp) {
        String h = req.getHeader("Authorization");
        String token = bearer(h);
        if (token == null) {
            throw new ApiException(401, "a bearer token is required (Authorization: Bearer <token>; an admin makes one with kumiki:token-add NAME ROLE)");
        }
        return access.byToken(token, Caller.REST)
                .orElseThrow(() -> new ApiException(401, "the bearer token is not valid (unknown or removed)"));
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme in any case), or null. */
    static String bearer(String header) {
        return HttpClients.bearerToken(header);
    }

    static boolean loopback(String addr) {
        return HttpClients.isLoopback(addr);
    }

    private void answerIdempotent(ApiCall call, HttpServletResponse resp) throws Exception {
        String key = call.idempotencyKey();
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiException.badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters without spaces");
        }
        Route route = call.route();
        String scope = call.caller().name() + " " + route.method + " " + call.request().getPathInfo() + " " + key;
        byte[] digest = sha256(call.bodyBytes());
        Idempotency.Claim claim = idempotency.claim(scope, digest);
        Idempotency.Entry e = claim.entry();
        if (!claim.owner()) {
            if (!MessageDigest.isEqual(e.digest, digest)) {
                throw new ApiException(422, "this Idempotency-Key was used with another request body: use a new key for a new request");
            }
            Stored s = e.await();
            if (s == null) {
                // the first call failed with a 5xx: do it now
                idempotency.forget(scope, e);
                answerIdempotent(call, resp);
                return;
            }
            resp.setHeader("Idempotent-Replayed", "true");
            write(resp, s);
            return;
        }
        Stored s;
        try {
            Object result = route.handler.handle(call);
            if (result instanceof SseStream) {
                throw new IllegalStateException("an event stream cannot be idempotent");
            }
            s = render(result, route);
        } catch (Throwable t) {
            s = error(t, route.method + " " + path(route.template));
        }
        if (s.status >= 500) {
            idempotency.forget(scope, e);
            e.complete(null);
        } else {
            e.complete(s);
        }
        write(resp, s);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rendered answer: status, headers, JSON bytes. */
    static final class Stored {
        final int status;
        final Map<String, String> headers;
        final byte[] body;

        Stored(int status, Map<String, String> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    private static Stored render(Object result, Route route) throws IOException {
        int status = 200;
        Map<String, String> headers = new LinkedHashMap<>();
        Object body = result;
        if (result instanceof ApiResult r) {
            status = r.status;
            headers.putAll(r.headers);
            body = r.body;
        }
        if (body == null) {
            return new Stored(status == 200 ? 204 : status, headers, null);
        }
        return new Stored(status, headers, Json.mapper().writeValueAsBytes(body));
    }

    private static Stored error(Throwable t, String action) {
        int status;
        String message;
        Map<String, String> headers = new LinkedHashMap<>();
        if (t instanceof ApiException a) {
            status = a.status();
            message = a.getMessage();
            headers.putAll(a.headers());
        } else if (t instanceof IllegalArgumentException) {
            status = 400;
            message = t.getMessage();
        } else if (t instanceof NoSuchElementException) {
            status = 404;
            message = t.getMessage();
        } else if (t instanceof IllegalStateException) {
            status = 409;
            message = t.getMessage();
        } else if (t instanceof UnsupportedOperationException) {
            status = 501;
            message = t.getMessage();
        } else {
            long n = INCIDENTS.incrementAndGet();
            status = 500;
            message = "internal error, incident " + n + " (logged)";
            LOG.error("REST {} failed (incident {})", action, n, t);
        }
        if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        try {
            return new Stored(status, headers, Json.mapper().writeValueAsBytes(body));
        } catch (IOException e) {
            return new Stored(status, new LinkedHashMap<>(), ("{\"error\":\"internal error\",\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void write(HttpServletResponse resp, Stored s) throws IOException {
        resp.setStatus(s.status);
        s.headers.forEach(resp::setHeader);
        resp.setHeader("Cache-Control", "no-store");
        if (s.body != null) {
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            resp.setContentLength(s.body.length);
            resp.getOutputStream().write(s.body);
        }
    }

    /**
     * Adds this API's paths to an OpenAPI 3 document's {@code paths} and its types to
     * {@code components.schemas}.
     */
    public final void describe(ObjectNode paths, ObjectNode schemas) {
        OpenApi.describe(this, paths, schemas);
    }
}
