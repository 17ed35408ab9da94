package org.kumiki.platform.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.platform.api.access.Caller;

/** One authenticated call to a route: the caller, path and query parameters, the JSON body. */
public final class ApiCall {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Route route;
    private final Caller caller;
    private final Map<String, String> params;
    private byte[] bodyBytes;
    private SseStream sse;

    ApiCall(HttpServletRequest request, HttpServletResponse response, Route route, Caller caller, Map<String, String> params) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.caller = caller;
        this.params = params;
    }

    /** Who is calling (name and role; never the token). */
    public Caller caller() {
        return caller;
    }

    /** A path parameter of the route's template ({@code {id}}). */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("the route " + route.template + " has no parameter " + name);
        }
        return v;
    }

    /** A query parameter, or null; given twice it is a 400. */
    public String query(String name) {
        String[] v = request.getParameterValues(name);
        if (v == null || v.length == 0) {
            return null;
        }
        if (v.length > 1) {
            throw ApiException.badRequest("query parameter '" + name + "' is given " + v.length + " times: give it once");
        }
        return v[0];
    }

    /** An integer query parameter within [min, max], or {@code dflt} when absent. */
    public int queryInt(String name, int dflt, int min, int max) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw ApiException.badRequest(name + "=" + Text.quote(v) + " is out of range: " + min + " to " + max);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + "=" + Text.quote(v) + " is not an integer (" + min + " to " + max + ")");
        }
    }

    /** A boolean query parameter ({@code true}/{@code false}/{@code 1}/{@code 0}), or {@code dflt}. */
    public boolean queryBoolean(String name, boolean dflt) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> {
                return true;
            }
            case "false", "0", "no" -> {
                return false;
            }
            default -> throw ApiException.badRequest(name + "=" + Text.quote(v) + " is not a boolean (true or false)");
        }
    }

    /** An enum query parameter (case-insensitive), or null when absent. */
    public <E extends Enum<E>> E queryEnum(String name, Class<E> type) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.trim())) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.name());
        }
        throw ApiException.badRequest(name + "=" + Text.quote(v) + " is not one of " + known);
    }

    /** The raw request body (at most the route's limit; larger is a 413). */
    public byte[] bodyBytes() throws IOException {
        if (bodyBytes == null) {
            long declared = request.getContentLengthLong();
            if (declared > route.maxBody) {
                throw new ApiException(413, "the body has " + declared + " bytes; at most " + route.maxBody + " are accepted");
            }
            try (InputStream in = request.getInputStream()) {
                byte[] b = in.readNBytes(route.maxBody + 1);
                if (b.length > route.maxBody) {
                    throw new ApiException(413, "the body has more than " + route.maxBody + " bytes");
                }
                bodyBytes = b;
            }
        }
        return bodyBytes;
    }

    /** The JSON body as a tree (an empty body is a 400). */
    public JsonNode bodyTree() throws IOException {
        byte[] b = nonEmptyJsonBody();
        try {
            JsonNode n = Json.mapper().readTree(b);
            if (n == null || n.isMissingNode()) {
                throw ApiException.badRequest("the request needs a JSON body");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body: " + describe(e));
        }
    }

    /** The JSON body bound to {@code type}; unknown properties and wrong types are a 400 naming them. */
    public <T> T body(Class<T> type) throws IOException {
        byte[] b = nonEmptyJsonBody();
        try {
            T t = Json.mapper().readValue(b, type);
            if (t == null) {
                throw ApiException.badRequest("the request needs a JSON object, not null");
            }
            return t;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body: " + describe(e));
        }
    }

    private byte[] nonEmptyJsonBody() throws IOException {
        String ct = request.getContentType();
        if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "Content-Type " + Text.quote(ct) + " is not accepted: send application/json");
        }
        byte[] b = bodyBytes();
        if (b.length == 0) {
            throw ApiException.badRequest("the request needs a JSON body");
        }
        return b;
    }

    /** A short, class-name-free description of a JSON error with its place. */
    static String describe(JsonProcessingException e) {
        String where = "";
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            where = " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            StringBuilder known = new StringBuilder();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                        .forEach(k -> known.append(known.length() == 0 ? "" : ", ").append(k));
            }
            return "unknown property " + Text.quote(u.getPropertyName()) + where + (known.length() > 0 ? "; known: " + known : "");
        }
        String path = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder p = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    p.append(p.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    p.append('[').append(r.getIndex()).append(']');
                }
            }
            path = "property " + Text.quote(p.toString()) + ": ";
        }
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = "malformed JSON";
        }
        // Jackson names Java types ("java.lang.Integer", "org.kumiki...Dto"): keep the sentence, drop the packages
        msg = msg.replaceAll("`?(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)`?", "$1");
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        if (msg.length() > 200) {
            msg = msg.substring(0, 200) + "...";
        }
        return path + msg + where;
    }

    /** The {@code Idempotency-Key} header, or null. */
    public String idempotencyKey() {
        return request.getHeader("Idempotency-Key");
    }

    /** The {@code Last-Event-ID} header a reconnecting event stream sends, or null. */
    public String lastEventId() {
        String h = request.getHeader("Last-Event-ID");
        return h != null ? h : query("lastEventId");
    }

    /**
     * Starts a Server-Sent Events stream (routes marked {@link Route#sse()} only); the handler
     * returns it and feeds it from listeners, closing it when the watched thing ends.
     */
    public SseStream sse() throws IOException {
        if (!route.sse) {
            throw new IllegalStateException("route " + route.template + " is not marked sse()");
        }
        if (sse == null) {
            sse = SseStream.start(request, response);
        }
        return sse;
    }

    public HttpServletRequest request() {
        return request;
    }

    public HttpServletResponse response() {
        return response;
    }

    public Route route() {
        return route;
    }
}
