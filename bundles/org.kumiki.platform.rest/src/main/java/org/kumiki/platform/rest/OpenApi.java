package org.kumiki.platform.rest;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3 description of an {@link ApiServlet}'s routes, made from the routes themselves
 * (so the document cannot drift from the endpoints) and JSON schemas made from the DTO classes'
 * public fields.
 */
public final class OpenApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenApi() {
    }

    /** A new OpenAPI 3.0 document with the error schema and the bearer security scheme. */
    public static ObjectNode document(String title, String version) {
        ObjectNode doc = F.objectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", title);
        info.put("version", version);
        info.put("description", "Every call needs 'Authorization: Bearer <token>' (kumiki:token-add NAME ROLE). "
                + "x-kumiki-role names the role a call needs: viewer < operator < admin. Errors are {\"error\": \"...\", \"status\": N}.");
        doc.putArray("servers").addObject().put("url", "/");
        doc.putObject("paths");
        ObjectNode comps = doc.putObject("components");
        ObjectNode schemas = comps.putObject("schemas");
        ObjectNode err = schemas.putObject("Error");
        err.put("type", "object");
        err.putArray("required").add("error").add("status");
        ObjectNode ep = err.putObject("properties");
        ep.putObject("error").put("type", "string");
        ep.putObject("status").put("type", "integer");
        comps.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer");
        doc.putArray("security").addObject().putArray("bearer");
        return doc;
    }

    static void describe(ApiServlet api, ObjectNode paths, ObjectNode schemas) {
        for (Route r : api.routes()) {
            String path = api.path(r.template);
            ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            ObjectNode op = item.putObject(r.method.toLowerCase(java.util.Locale.ROOT));
            op.put("summary", r.summary);
            op.put("operationId", api.api() + "_" + r.method.toLowerCase(java.util.Locale.ROOT) + r.template.replaceAll("[^A-Za-z0-9]+", "_"));
            op.putArray("tags").add(api.api());
            op.put("x-kumiki-role", r.role.label());
            ArrayNode params = F.arrayNode();
            for (String seg : r.segments) {
                if (seg.startsWith("{") && seg.endsWith("}")) {
                    ObjectNode p = params.addObject();
                    p.put("name", seg.substring(1, seg.length() - 1));
                    p.put("in", "path");
                    p.put("required", true);
                    p.putObject("schema").put("type", "string");
                }
            }
            r.queryParams.forEach((name, desc) -> {
                ObjectNode p = params.addObject();
                p.put("name", name);
                p.put("in", "query");
                p.put("required", false);
                p.put("description", desc);
                p.putObject("schema").put("type", name.equals("limit") ? "integer" : "string");
            });
            if (r.idempotent) {
                ObjectNode p = params.addObject();
                p.put("name", "Idempotency-Key");
                p.put("in", "header");
                p.put("required", false);
                p.put("description", "a repeated key with the same body answers the first result again without doing the work twice");
                p.putObject("schema").put("type", "string").put("maxLength", 255);
            }
            if (!params.isEmpty()) {
                op.set("parameters", params);
            }
            if (r.body != null) {
                ObjectNode rb = op.putObject("requestBody");
                rb.put("required", true);
                rb.putObject("content").putObject("application/json").set("schema", schema(r.body, schemas));
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(String.valueOf(r.successStatus));
            ok.put("description", r.sse ? "a stream of Server-Sent Events" : "success");
            if (r.sse) {
                ok.putObject("content").putObject("text/event-stream").putObject("schema").put("type", "string");
            } else if (r.returns != null) {
                JsonNode s = schema(r.returns, schemas);
                if (r.page) {
                    ObjectNode pg = F.objectNode();
                    pg.put("type", "object");
                    ObjectNode props = pg.putObject("properties");
                    props.putObject("items").put("type", "array").set("items", s);
                    props.putObject("next").put("type", "string");
                    s = pg;
                }
                ok.putObject("content").putObject("application/json").set("schema", s);
            }
            for (int code : new int[] {400, 401, 403, 404}) {
                ObjectNode e = responses.putObject(String.valueOf(code));
                e.put("description", switch (code) {
                    case 400 -> "bad request (the message says what and where)";
                    case 401 -> "no or an invalid bearer token";
                    case 403 -> "the caller's role does not allow it";
                    default -> "not found";
                });
                e.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
            }
        }
    }

    /** The schema of a Java type: a $ref for DTO classes (added to {@code schemas}), inline otherwise. */
    public static JsonNode schema(Type type, ObjectNode schemas) {
        if (type instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            Type[] args = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode a = F.objectNode().put("type", "array");
                a.set("items", schema(args[0], schemas));
                return a;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode o = F.objectNode().put("type", "object");
                o.set("additionalProperties", schema(args[1], schemas));
                return o;
            }
            if (raw == Optional.class) {
                return schema(args[0], schemas);
            }
            return schema(raw, schemas);
        }
        if (!(type instanceof Class<?> c)) {
            return F.objectNode();
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return F.objectNode().put("type", "string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return F.objectNode().put("type", "boolean");
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class || c == Short.class
                || c == byte.class || c == Byte.class) {
            return F.objectNode().put("type", "integer").put("format", c == long.class || c == Long.class ? "int64" : "int32");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class || Number.class.isAssignableFrom(c)) {
            return F.objectNode().put("type", "number");
        }
        if (c == Instant.class || Temporal.class.isAssignableFrom(c)) {
            return F.objectNode().put("type", "string").put("format", "date-time");
        }
        if (c.isEnum()) {
            ObjectNode e = F.objectNode().put("type", "string");
            ArrayNode values = e.putArray("enum");
            for (Object v : c.getEnumConstants()) {
                values.add(((Enum<?>) v).name());
            }
            return e;
        }
        if (c.isArray()) {
            if (c == byte[].class) {
                return F.objectNode().put("type", "string").put("format", "byte");
            }
            ObjectNode a = F.objectNode().put("type", "array");
            a.set("items", schema(c.getComponentType(), schemas));
            return a;
        }
        if (Collection.class.isAssignableFrom(c)) {
            return F.objectNode().put("type", "array").set("items", F.objectNode());
        }
        if (Map.class.isAssignableFrom(c) || JsonNode.class.isAssignableFrom(c) || c == Object.class) {
            return F.objectNode().put("type", "object");
        }
        if (c.getName().startsWith("java.")) {
            return F.objectNode().put("type", "string");
        }
        String name = c.getSimpleName();
        ObjectNode ref = F.objectNode().put("$ref", "#/components/schemas/" + name);
        if (schemas.has(name)) {
            return ref;
        }
        ObjectNode s = schemas.putObject(name);
        s.put("type", "object");
        s.put("x-java-type", c.getName());
        ObjectNode props = s.putObject("properties");
        for (Field f : c.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            props.set(f.getName(), schema(f.getGenericType(), schemas));
        }
        if (c.isRecord()) {
            for (var rc : c.getRecordComponents()) {
                props.set(rc.getName(), schema(rc.getGenericType(), schemas));
            }
        }
        return ref;
    }
}
