package org.kumiki.platform.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Json;
import org.kumiki.platform.rest.OpenApi;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/openapi.json}: the OpenAPI 3 document of every REST API registered now (merged from
 * each {@link ApiServlet}'s routes when asked, so an API that comes or goes at runtime is in or
 * out), and {@code /api}: the list of APIs. Both are public (they describe, they hold no data).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api", "/api/openapi.json"})
public class OpenApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient BundleContext context;

    @Activate
    public OpenApiServlet(BundleContext context) {
        this.context = context;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String refused = RestGuard.refusal();
        if (refused != null) {
            byte[] e = Json.mapper().writeValueAsBytes(java.util.Map.of("error", "the REST API is refused: " + refused, "status", 503));
            resp.setStatus(503);
            resp.setContentType("application/json");
            resp.setContentLength(e.length);
            resp.getOutputStream().write(e);
            return;
        }
        List<ApiServlet> apis = apis();
        Object body;
        if ("/api/openapi.json".equals(req.getServletPath())) {
            ObjectNode doc = OpenApi.document("Kumiki REST API", version());
            ObjectNode paths = (ObjectNode) doc.get("paths");
            ObjectNode schemas = (ObjectNode) doc.get("components").get("schemas");
            ArrayNode tags = doc.putArray("tags");
            java.util.Set<String> tagged = new java.util.HashSet<>();
            for (ApiServlet a : apis) {
                if (tagged.add(a.api())) { // one tag per API, also when several servlets serve parts of it (/api/platform)
                    tags.addObject().put("name", a.api());
                }
                a.describe(paths, schemas);
            }
            body = doc;
        } else {
            ObjectNode idx = Json.mapper().createObjectNode();
            ArrayNode list = idx.putArray("apis");
            java.util.Map<String, ObjectNode> listed = new java.util.HashMap<>();
            for (ApiServlet a : apis) {
                ObjectNode entry = listed.get(a.api());
                if (entry == null) {
                    listed.put(a.api(), list.addObject().put("name", a.api()).put("path", "/api/" + a.api()).put("routes", a.routes().size()));
                } else {
                    entry.put("routes", entry.get("routes").asInt() + a.routes().size());
                }
            }
            idx.put("openapi", "/api/openapi.json");
            body = idx;
        }
        byte[] b = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        resp.setStatus(200);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private String version() {
        return context.getBundle().getVersion().toString();
    }

    private List<ApiServlet> apis() {
        List<ApiServlet> out = new ArrayList<>();
        try {
            Collection<ServiceReference<Servlet>> refs = context.getServiceReferences(Servlet.class, "(" + ApiServlet.API_PROPERTY + "=*)");
            for (ServiceReference<Servlet> r : refs) {
                Servlet s = context.getService(r);
                try {
                    if (s instanceof ApiServlet a) {
                        out.add(a);
                    }
                } finally {
                    context.ungetService(r);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        out.sort(Comparator.comparing(ApiServlet::api));
        return out;
    }
}
