package org.kumiki.platform.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The operator's pages at {@code /console}: static HTML, JavaScript, CSS and Apache ECharts read
 * from this bundle on request (nothing is loaded at start-up). The pages hold no data: they ask
 * {@code /api/...} with the bearer token the operator typed in (kept in the tab's sessionStorage),
 * so every datum passes the REST API's role checks. A strict Content-Security-Policy allows only
 * this bundle's scripts and connections to this server.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/console", "/console/*"})
public class ConsolePages extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String ROOT = "/console/";
    /** Apache ECharts, at its webjar path (bnd.bnd). */
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");
    static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml",
            "ico", "image/x-icon");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        serve(req, resp, true);
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        serve(req, resp, false);
    }

    private void serve(HttpServletRequest req, HttpServletResponse resp, boolean body) throws IOException {
        String info = req.getPathInfo();
        if (info == null) {
            resp.setStatus(302);
            resp.setHeader("Location", req.getContextPath() + "/console/");
            return;
        }
        String name = resourceName(info);
        URL url = name == null ? null : ConsolePages.class.getResource(name.equals("echarts.min.js") ? ECHARTS : ROOT + name);
        if (url == null) {
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.sendError(404, "no page " + (name == null ? "with that name" : name));
            return;
        }
        resp.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cache-Control", "no-cache");
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            resp.setContentLength(bytes.length);
            if (body) {
                resp.getOutputStream().write(bytes);
            }
        }
    }

    /**
     * The bundle resource a path names ({@code /} is {@code index.html}), or null for anything but
     * one plain file name with a known extension (no folders, no dot files, no traversal).
     */
    static String resourceName(String pathInfo) {
        if (pathInfo.equals("/") || pathInfo.isEmpty()) {
            return "index.html";
        }
        String n = pathInfo.substring(1);
        if (!NAME.matcher(n).matches() || n.contains("..")) {
            return null;
        }
        int dot = n.lastIndexOf('.');
        return dot > 0 && TYPES.containsKey(n.substring(dot + 1)) ? n : null;
    }
}
