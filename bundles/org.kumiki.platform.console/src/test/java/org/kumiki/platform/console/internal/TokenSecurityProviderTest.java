package org.kumiki.platform.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

class TokenSecurityProviderTest {

    /** Two tokens, as the platform's AccessControl would have them; records the checks it is asked. */
    static final class Tokens implements AccessControl {
        final Map<String, Role> roles = Map.of("admin-secret", Role.ADMIN, "viewer-secret", Role.VIEWER);
        final List<String> checks = new ArrayList<>();

        @Override
        public Optional<Caller> byToken(String token, String channel) {
            Role r = roles.get(token);
            return r == null ? Optional.empty() : Optional.of(new Caller(r.label() + "-user", r, channel));
        }

        @Override
        public Optional<Caller> byPublicKey(PublicKey key, String channel) {
            return Optional.empty();
        }

        @Override
        public Role requiredRole(String scope, String function) {
            return Role.ADMIN;
        }

        @Override
        public Optional<String> check(Caller caller, Role needed, String action) {
            checks.add(caller + " " + action);
            return caller.allows(needed) ? Optional.empty() : Optional.of(action + " needs the " + needed.label() + " role; " + caller.name() + " is " + caller.role().label());
        }
    }

    private final Tokens tokens = new Tokens();
    private final TokenSecurityProvider provider = new TokenSecurityProvider(tokens);

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Object authenticate(Http h, String authorization) {
        if (authorization != null) {
            h.requestHeaders.put("authorization", authorization);
        }
        return provider.authenticate(h.request(), h.response());
    }

    @Test
    void anAdminTokenGetsInAsBasicPasswordWithAnyUserOrAsBearer() {
        for (String auth : List.of(basic("anyone", "admin-secret"), basic("", "admin-secret"), "Bearer admin-secret", "bearer  admin-secret ")) {
            Http h = new Http();
            Object user = authenticate(h, auth);
            assertTrue(user instanceof Caller c && c.name().equals("admin-user") && c.channel().equals(Caller.CONSOLE), auth);
            assertTrue(provider.authorize(user, "anything"));
            assertEquals(200, h.status);
        }
    }

    @Test
    void noAdminAdminAndNoTokenIsAChallengeWithOneLine() {
        for (String auth : new String[] {null, basic("admin", "admin"), basic("admin", ""), "Bearer nope"}) {
            Http h = new Http();
            assertNull(authenticate(h, auth), String.valueOf(auth));
            assertEquals(401, h.status);
            assertTrue(h.headers.get("WWW-Authenticate").startsWith("Basic realm="), h.headers.toString());
            assertEquals(1, h.body().strip().lines().count(), h.body());
        }
    }

    @Test
    void aViewerTokenIsRefusedWithTheRoleItNeeds() {
        Http h = new Http();
        assertNull(authenticate(h, basic("x", "viewer-secret")));
        assertEquals(403, h.status);
        assertTrue(h.body().contains("needs the admin role"), h.body());
        assertTrue(tokens.checks.get(0).contains("web console GET /system/console"), tokens.checks.toString());
        assertFalse(provider.authorize(new Caller("v", Role.VIEWER, Caller.CONSOLE), "x"));
        assertFalse(provider.authorize("admin", "x"));
        assertFalse(provider.authorize(null, "x"));
    }

    @Test
    void malformedHeadersAreOneLine401s() {
        for (String auth : new String[] {"Basic %%%notbase64", basic("", "").replace("Og==", "YWRtaW4="), "Digest x", "Bearer", "Bearer    ",
                "Basic " + "A".repeat(5000)}) {
            Http h = new Http();
            assertNull(authenticate(h, auth), auth);
            assertEquals(401, h.status, auth);
            assertEquals(1, h.body().strip().lines().count(), h.body());
        }
        assertThrows(IllegalArgumentException.class, () -> TokenSecurityProvider.token("Basic YWRtaW4=")); // "admin": no colon
    }

    @Test
    void plainHttpFromAnotherHostIsRefusedEvenWithAnAdminToken() {
        Http h = new Http();
        h.remote = "192.0.2.7";
        assertNull(authenticate(h, "Bearer admin-secret"));
        assertEquals(403, h.status);
        assertTrue(h.body().contains("plain HTTP from another host"), h.body());

        Http secure = new Http();
        secure.remote = "192.0.2.7";
        secure.secure = true;
        assertTrue(authenticate(secure, "Bearer admin-secret") instanceof Caller);

        Http v6 = new Http();
        v6.remote = "0:0:0:0:0:0:0:1";
        assertTrue(authenticate(v6, "Bearer admin-secret") instanceof Caller);
        assertFalse(TokenSecurityProvider.loopback("localhost.example.org"), "names are never looked up");
    }
}
