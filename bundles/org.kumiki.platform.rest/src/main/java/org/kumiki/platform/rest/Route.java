package org.kumiki.platform.rest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.platform.api.access.Role;

/**
 * One endpoint of an {@link ApiServlet}: method, path template below the servlet's mount
 * ({@code /tasks/{id}}), the role it needs, and what the OpenAPI document says about it.
 * Made by {@link ApiServlet#route}; the builder methods only describe, they never change routing.
 */
public final class Route {

    /** Handles one call; returns the body (200), an {@link ApiResult}, an {@link SseStream} or null (204). */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiCall call) throws Exception;
    }

    final String method;
    final String template;
    final String[] segments;
    final Role role;
    final String summary;
    final Handler handler;
    final Map<String, String> queryParams = new LinkedHashMap<>();
    Class<?> body;
    Class<?> returns;
    boolean page;
    boolean idempotent;
    boolean sse;
    int maxBody = 1 << 20;
    int successStatus = 200;

    Route(String method, String template, Role role, String summary, Handler handler) {
        if (!template.startsWith("/") && !template.isEmpty()) {
            throw new IllegalArgumentException("a route template starts with '/': " + template);
        }
        this.method = method;
        this.template = template;
        this.segments = split(template);
        this.role = role;
        this.summary = summary;
        this.handler = handler;
    }

    static String[] split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out.toArray(new String[0]);
    }

    /** The path parameters when {@code segs} matches this template, else null. */
    Map<String, String> match(String[] segs) {
        if (segs.length != segments.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < segs.length; i++) {
            String t = segments[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put(t.substring(1, t.length() - 1), segs[i]);
            } else if (!t.equals(segs[i])) {
                return null;
            }
        }
        return params == null ? Collections.emptyMap() : params;
    }

    /** Documents a query parameter. */
    public Route query(String name, String description) {
        queryParams.put(name, description);
        return this;
    }

    /** The JSON request body's type (a DTO with public fields), for the OpenAPI document. */
    public Route body(Class<?> type) {
        this.body = type;
        return this;
    }

    /** The largest request body accepted, in bytes (default 1 MiB); larger is a 413. */
    public Route maxBody(int bytes) {
        this.maxBody = bytes;
        return this;
    }

    /** The response body's type, for the OpenAPI document. */
    public Route returns(Class<?> type) {
        this.returns = type;
        return this;
    }

    /** The status a success answers with, for the OpenAPI document (default 200). */
    public Route status(int status) {
        this.successStatus = status;
        return this;
    }

    /** The response is a {@link Page} of {@code type}; documents {@code limit} and {@code after}. */
    public Route page(Class<?> type) {
        this.returns = type;
        this.page = true;
        query("limit", "items per page, 1 to " + Page.MAX_LIMIT + " (default " + Page.DEFAULT_LIMIT + ")");
        query("after", "the 'next' of the previous page");
        return this;
    }

    /**
     * The call honours an {@code Idempotency-Key} header: a repeated key from the same caller with
     * the same body gets the first answer again (header {@code Idempotent-Replayed: true}) without
     * doing the work twice; with another body it is a 422.
     */
    public Route idempotent() {
        this.idempotent = true;
        return this;
    }

    /** The response is a stream of Server-Sent Events ({@code text/event-stream}). */
    public Route sse() {
        this.sse = true;
        return this;
    }

    public String method() {
        return method;
    }

    public String template() {
        return template;
    }

    public Role role() {
        return role;
    }
}
