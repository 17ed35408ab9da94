package org.kumiki.platform.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

class ApiServletTest {

    /** Tokens "v", "o", "a" for viewer, operator, admin. */
    static final class Access implements AccessControl {
        final List<String> refused = new ArrayList<>();

        @Override
        public Optional<Caller> byToken(String token, String channel) {
            return switch (token) {
                case "v" -> Optional.of(new Caller("vic", Role.VIEWER, channel));
                case "o" -> Optional.of(new Caller("olga", Role.OPERATOR, channel));
                case "a" -> Optional.of(new Caller("ada", Role.ADMIN, channel));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<Caller> byPublicKey(PublicKey key, String channel) {
            return Optional.empty();
        }

        @Override
        public Role requiredRole(String scope, String function) {
            return Role.OPERATOR;
        }

        @Override
        public Optional<String> check(Caller caller, Role needed, String action) {
            if (caller.allows(needed)) {
                return Optional.empty();
            }
            refused.add(action);
            return Optional.of("refused: " + action + " needs the " + needed.label() + " role; " + caller.name() + " has " + caller.role().label());
        }
    }

    public static final class ThingDTO {
        public String id;
        public int size;
        public List<String> tags;
    }

    static final class Things extends ApiServlet {
        private static final long serialVersionUID = 1L;
        final AtomicInteger made = new AtomicInteger();
        final List<ThingDTO> all = new ArrayList<>();

        Things(AccessControl a) {
            super("things", a);
            for (int i = 0; i < 25; i++) {
                ThingDTO t = new ThingDTO();
                t.id = String.format("t-%03d", i);
                t.size = i;
                all.add(t);
            }
            route("GET", "/things", Role.VIEWER, "List things", call -> Page.of(call, all, t -> t.id, true)).page(ThingDTO.class);
            route("GET", "/things/{id}", Role.VIEWER, "One thing", call -> all.stream().filter(t -> t.id.equals(call.param("id"))).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no thing " + Text.quote(call.param("id"))))).returns(ThingDTO.class);
            route("POST", "/things", Role.OPERATOR, "Make a thing", call -> {
                ThingDTO t = call.body(ThingDTO.class);
                if (t.size < 0) {
                    throw new IllegalArgumentException("size must be >= 0, not " + t.size);
                }
                t.id = "t-new-" + made.incrementAndGet();
                return ApiResult.created(path("/things/" + t.id), t);
            }).body(ThingDTO.class).returns(ThingDTO.class).status(201).idempotent();
            route("DELETE", "/things/{id}", Role.ADMIN, "Remove", call -> null);
            route("GET", "/boom", Role.VIEWER, "Fails", call -> {
                throw new java.io.IOException("disk on fire");
            });
        }
    }

    final Access access = new Access();
    final Things api = new Things(access);

    static JsonNode json(FakeHttp f) throws Exception {
        return Json.mapper().readTree(f.text());
    }

    @Test
    void tokenRequiredAndChecked() throws Exception {
        FakeHttp f = FakeHttp.call("GET", "/things").run(api);
        assertEquals(401, f.status);
        assertTrue(f.respHeaders.get("WWW-Authenticate").startsWith("Bearer"));
        assertTrue(json(f).get("error").asText().contains("kumiki:token-add"));
        assertEquals(401, FakeHttp.call("GET", "/things").token("nope").run(api).status);
        assertEquals(401, FakeHttp.call("GET", "/things").header("Authorization", "Basic dXNlcjpwYXNz").run(api).status);
        assertEquals(200, FakeHttp.call("GET", "/things").header("Authorization", "bearer v").run(api).status);
    }

    @Test
    void rolesEnforcedPerRoute() throws Exception {
        FakeHttp f = FakeHttp.call("POST", "/things").token("v").body("{\"size\": 1}").run(api);
        assertEquals(403, f.status);
        assertEquals("refused: POST /api/things/things needs the operator role; vic has viewer", json(f).get("error").asText());
        assertEquals(0, api.made.get());
        assertEquals(201, FakeHttp.call("POST", "/things").token("o").body("{\"size\": 1}").run(api).status);
        assertEquals(403, FakeHttp.call("DELETE", "/things/t-001").token("o").run(api).status);
        assertEquals(204, FakeHttp.call("DELETE", "/things/t-001").token("a").run(api).status);
    }

    @Test
    void plainHttpFromAnotherHostRefused() throws Exception {
        FakeHttp f = FakeHttp.call("GET", "/things").token("a");
        f.remote = "10.1.2.3";
        f.run(api);
        assertEquals(403, f.status);
        assertTrue(json(f).get("error").asText().contains("HTTPS"));
        FakeHttp s = FakeHttp.call("GET", "/things").token("a");
        s.remote = "10.1.2.3";
        s.secure = true;
        assertEquals(200, s.run(api).status);
    }

    @Test
    void unknownPathAndMethod() throws Exception {
        FakeHttp f = FakeHttp.call("GET", "/nothing/here").token("v").run(api);
        assertEquals(404, f.status);
        assertTrue(json(f).get("error").asText().contains("/api/openapi.json"));
        FakeHttp m = FakeHttp.call("PUT", "/things").token("v").run(api);
        assertEquals(405, m.status);
        assertEquals("GET, POST", m.respHeaders.get("Allow"));
        FakeHttp nf = FakeHttp.call("GET", "/things/t-999").token("v").run(api);
        assertEquals(404, nf.status);
        assertEquals("no thing \"t-999\"", json(nf).get("error").asText());
    }

    @Test
    void hostileBodies() throws Exception {
        FakeHttp unknown = FakeHttp.call("POST", "/things").token("o").body("{\"sise\": 3}").run(api);
        assertEquals(400, unknown.status);
        String m = json(unknown).get("error").asText();
        assertTrue(m.contains("unknown property \"sise\"") && m.contains("known: id, size, tags"), m);
        FakeHttp type = FakeHttp.call("POST", "/things").token("o").body("{\"size\": \"big\"}").run(api);
        assertEquals(400, type.status);
        String tm = json(type).get("error").asText();
        assertTrue(tm.startsWith("body: property \"size\": ") && !tm.contains("java.lang"), tm);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").body("{\"size\": 1").run(api).status);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").body("").run(api).status);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").body("null").run(api).status);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").body("{\"size\": 1} {}").run(api).status);
        FakeHttp neg = FakeHttp.call("POST", "/things").token("o").body("{\"size\": -1}").run(api);
        assertEquals(400, neg.status);
        assertEquals("size must be >= 0, not -1", json(neg).get("error").asText());
        FakeHttp big = FakeHttp.call("POST", "/things").token("o").body("{\"tags\": [\"" + "x".repeat(1 << 20) + "\"]}").run(api);
        assertEquals(413, big.status);
        FakeHttp ct = FakeHttp.call("POST", "/things").token("o").body("size=1");
        ct.contentType = "application/x-www-form-urlencoded";
        assertEquals(415, ct.run(api).status);
        assertEquals(0, api.made.get());
    }

    @Test
    void internalErrorsNameAnIncidentNotTheCause() throws Exception {
        FakeHttp f = FakeHttp.call("GET", "/boom").token("v").run(api);
        assertEquals(500, f.status);
        String m = json(f).get("error").asText();
        assertTrue(m.startsWith("internal error, incident "), m);
        assertFalse(m.contains("disk"));
    }

    @Test
    void paging() throws Exception {
        JsonNode p1 = json(FakeHttp.call("GET", "/things?limit=10").token("v").run(api));
        assertEquals(10, p1.get("items").size());
        assertEquals("t-009", p1.get("next").asText());
        JsonNode p3 = json(FakeHttp.call("GET", "/things?limit=10&after=t-019").token("v").run(api));
        assertEquals(5, p3.get("items").size());
        assertFalse(p3.has("next"));
        // a removed key still places the page (sorted keys)
        JsonNode gone = json(FakeHttp.call("GET", "/things?limit=2&after=t-0105").token("v").run(api));
        assertEquals("t-011", gone.get("items").get(0).get("id").asText());
        assertEquals(400, FakeHttp.call("GET", "/things?limit=0").token("v").run(api).status);
        assertEquals(400, FakeHttp.call("GET", "/things?limit=1001").token("v").run(api).status);
        assertEquals(400, FakeHttp.call("GET", "/things?limit=ten").token("v").run(api).status);
        assertEquals(400, FakeHttp.call("GET", "/things?limit=1&limit=2").token("v").run(api).status);
        assertEquals(400, FakeHttp.call("GET", "/things?limit=99999999999999999999").token("v").run(api).status);
    }

    @Test
    void idempotentSubmission() throws Exception {
        FakeHttp a = FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "k-1").body("{\"size\": 2}").run(api);
        FakeHttp b = FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "k-1").body("{\"size\": 2}").run(api);
        assertEquals(201, a.status);
        assertEquals(201, b.status);
        assertEquals(a.text(), b.text());
        assertEquals("true", b.respHeaders.get("Idempotent-Replayed"));
        assertEquals(a.respHeaders.get("Location"), b.respHeaders.get("Location"));
        assertEquals(1, api.made.get());
        FakeHttp other = FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "k-1").body("{\"size\": 3}").run(api);
        assertEquals(422, other.status);
        assertEquals(1, api.made.get());
        // another caller's key is its own
        assertEquals(201, FakeHttp.call("POST", "/things").token("a").header("Idempotency-Key", "k-1").body("{\"size\": 2}").run(api).status);
        assertEquals(2, api.made.get());
        // a refused (4xx) answer is kept too: the same request gets the same refusal
        FakeHttp bad1 = FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "k-2").body("{\"size\": -5}").run(api);
        FakeHttp bad2 = FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "k-2").body("{\"size\": -5}").run(api);
        assertEquals(400, bad1.status);
        assertEquals(400, bad2.status);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "has space").body("{}").run(api).status);
        assertEquals(400, FakeHttp.call("POST", "/things").token("o").header("Idempotency-Key", "x".repeat(256)).body("{}").run(api).status);
    }

    @Test
    void openApiFromRoutes() {
        ObjectNode paths = Json.mapper().createObjectNode();
        ObjectNode schemas = Json.mapper().createObjectNode();
        api.describe(paths, schemas);
        JsonNode post = paths.get("/api/things/things").get("post");
        assertEquals("operator", post.get("x-kumiki-role").asText());
        assertEquals("#/components/schemas/ThingDTO", post.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asText());
        assertTrue(post.get("responses").has("201"));
        JsonNode list = paths.get("/api/things/things").get("get");
        assertEquals("array", list.get("responses").get("200").get("content").get("application/json").get("schema").get("properties").get("items").get("type").asText());
        assertEquals("integer", schemas.get("ThingDTO").get("properties").get("size").get("type").asText());
        assertEquals("array", schemas.get("ThingDTO").get("properties").get("tags").get("type").asText());
        JsonNode one = paths.get("/api/things/things/{id}").get("get");
        assertEquals("id", one.get("parameters").get(0).get("name").asText());
        assertEquals(Map.of(), Map.of());
    }
}
