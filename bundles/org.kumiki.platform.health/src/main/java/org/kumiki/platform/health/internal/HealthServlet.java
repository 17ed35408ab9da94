package org.kumiki.platform.health.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /system/health}: runs the health checks through Felix HC's executor. 200 when the
 * worst result is OK or WARN, 503 otherwise. JSON by default; {@code /system/health.txt} or
 * {@code Accept: text/plain} gives one line per check. {@code ?tags=lab,scheduler} selects checks
 * carrying any of the tags; an unknown or malformed tag is a 400 with one line.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({HealthServlet.PATH, HealthServlet.PATH + ".txt", HealthServlet.PATH + ".json"})
public class HealthServlet extends HttpServlet {

    static final String PATH = "/system/health";
    static final int MAX_TAGS_CHARS = 512;
    static final int MAX_QUERY_CHARS = 2048;
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient HealthCheckExecutor executor;
    private final transient Map<ServiceReference<HealthCheck>, List<String>> checks = new ConcurrentHashMap<>();

    @Activate
    public HealthServlet(@Reference HealthCheckExecutor executor) {
        this.executor = executor;
    }

    /** Tracks the checks' tags without getting the services (checks stay unactivated until run). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = HealthCheck.class)
    void addCheck(ServiceReference<HealthCheck> ref) {
        checks.put(ref, tagsOf(ref.getProperty(HealthCheck.TAGS)));
    }

    void removeCheck(ServiceReference<HealthCheck> ref) {
        checks.remove(ref);
    }

    static List<String> tagsOf(Object p) {
        List<String> out = new ArrayList<>();
        if (p instanceof String[]) {
            out.addAll(List.of((String[]) p));
        } else if (p instanceof java.util.Collection) {
            ((java.util.Collection<?>) p).forEach(t -> out.add(String.valueOf(t)));
        } else if (p != null) {
            out.add(p.toString());
        }
        return out;
    }

    Set<String> knownTags() {
        Set<String> all = new TreeSet<>();
        checks.values().forEach(all::addAll);
        return all;
    }

    /** The tags asked for, validated; empty for all checks. @throws IllegalArgumentException with the one-line answer */
    static Set<String> parseTags(String[] values, Set<String> known) {
        Set<String> out = new LinkedHashSet<>();
        if (values == null) {
            return out;
        }
        int chars = 0;
        for (String v : values) {
            chars += v.length();
        }
        if (chars > MAX_TAGS_CHARS) {
            throw new IllegalArgumentException("the tags parameter is too long (" + chars + " characters, at most " + MAX_TAGS_CHARS + ")");
        }
        for (String v : values) {
            for (String t : v.split(",", -1)) {
                String tag = t.trim();
                if (tag.isEmpty()) {
                    continue;
                }
                if (!TAG.matcher(tag).matches()) {
                    throw new IllegalArgumentException("'" + Checks.oneLine(tag) + "' is not a tag: letters, digits, '.', '_' and '-', at most 64");
                }
                if (!known.contains(tag)) {
                    throw new IllegalArgumentException("unknown tag '" + tag + "'; known tags: " + String.join(", ", known));
                }
                out.add(tag);
            }
        }
        return out;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        boolean text = wantsText(req);
        resp.setHeader("Cache-Control", "no-store");
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            error(resp, 405, "use GET", text);
            return;
        }
        String query = req.getQueryString();
        if (query != null && query.length() > MAX_QUERY_CHARS) {
            error(resp, 400, "the query is too long (" + query.length() + " characters, at most " + MAX_QUERY_CHARS + ")", text);
            return;
        }
        Set<String> tags;
        try {
            tags = parseTags(req.getParameterValues("tags"), knownTags());
        } catch (IllegalArgumentException e) {
            error(resp, 400, e.getMessage(), text);
            return;
        }
        List<HealthCheckExecutionResult> results;
        try {
            Set<String> select = tags.isEmpty() ? knownTags() : tags;
            results = select.isEmpty() ? List.of()
                    : executor.execute(HealthCheckSelector.tags(select.toArray(new String[0])), new HealthCheckExecutionOptions().setCombineTagsWithOr(true));
        } catch (RuntimeException e) {
            LOG.warn("health checks could not run: {}", e.toString());
            error(resp, 500, "health checks could not run: " + Checks.oneLine(e.getMessage()), text);
            return;
        }
        Result.Status overall = Result.Status.OK;
        for (HealthCheckExecutionResult r : results) {
            Result.Status s = r.getHealthCheckResult().getStatus();
            if (s.ordinal() > overall.ordinal()) {
                overall = s;
            }
        }
        int code = overall == Result.Status.OK || overall == Result.Status.WARN ? 200 : 503;
        byte[] body = text ? text(results).getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(json(overall, results));
        resp.setStatus(code);
        resp.setContentType(text ? "text/plain;charset=utf-8" : "application/json");
        resp.setContentLength(body.length);
        if ("GET".equals(method)) {
            resp.getOutputStream().write(body);
        }
    }

    static boolean wantsText(HttpServletRequest req) {
        String path = req.getServletPath();
        if (path != null && path.endsWith(".txt")) {
            return true;
        }
        if (path != null && path.endsWith(".json")) {
            return false;
        }
        String accept = req.getHeader("Accept");
        return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
    }

    static ObjectNode json(Result.Status overall, List<HealthCheckExecutionResult> results) {
        ObjectNode root = JSON.createObjectNode().put("status", overall.name());
        ArrayNode list = root.putArray("checks");
        for (HealthCheckExecutionResult r : results) {
            ObjectNode c = list.addObject();
            c.put("name", r.getHealthCheckMetadata().getName());
            ArrayNode tags = c.putArray("tags");
            r.getHealthCheckMetadata().getTags().forEach(tags::add);
            c.put("status", r.getHealthCheckResult().getStatus().name());
            ArrayNode messages = c.putArray("messages");
            for (ResultLog.Entry e : r.getHealthCheckResult()) {
                if (!e.isDebug()) {
                    messages.addObject().put("status", e.getStatus().name()).put("message", e.getMessage());
                }
            }
            c.put("elapsedMs", r.getElapsedTimeInMs());
            if (r.hasTimedOut()) {
                c.put("timedOut", true);
            }
        }
        return root;
    }

    /** One line per check: {@code STATUS name: message; message}. */
    static String text(List<HealthCheckExecutionResult> results) {
        StringBuilder b = new StringBuilder();
        for (HealthCheckExecutionResult r : results) {
            List<String> messages = new ArrayList<>();
            for (ResultLog.Entry e : r.getHealthCheckResult()) {
                if (!e.isDebug()) {
                    messages.add(Checks.oneLine(e.getMessage()));
                }
            }
            b.append(r.getHealthCheckResult().getStatus().name()).append(' ').append(r.getHealthCheckMetadata().getName()).append(": ")
                    .append(String.join("; ", messages)).append('\n');
        }
        return b.toString();
    }

    private static void error(HttpServletResponse resp, int code, String message, boolean text) throws IOException {
        byte[] body = text ? ("error: " + message + "\n").getBytes(StandardCharsets.UTF_8)
                : JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
        resp.setStatus(code);
        resp.setContentType(text ? "text/plain;charset=utf-8" : "application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
