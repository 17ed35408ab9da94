package org.kumiki.platform.rest.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RestGuardTest {

    @Test
    void loopbackHostsServe() {
        assertNull(RestGuard.check("127.0.0.1", null));
        assertNull(RestGuard.check("localhost", "false"));
        assertNull(RestGuard.check("::1", null));
        assertNull(RestGuard.check("[::1]", null));
        assertNull(RestGuard.check("127.0.1.1", null));
    }

    @Test
    void anotherHostWithoutHttpsIsRefusedInOneLineNamingTheProperties() {
        String r = RestGuard.check("0.0.0.0", null);
        assertTrue(r.contains("org.apache.felix.http.host=0.0.0.0 is not a loopback address") && r.contains("org.apache.felix.https.enable"), r);
        assertTrue(!r.contains("\n"), r);
        assertTrue(RestGuard.check("192.168.1.10", "false").contains("192.168.1.10"));
        assertTrue(RestGuard.check("login01.example.org", null).contains("login01.example.org"));
    }

    @Test
    void anUnsetHostListensEverywhereAndIsRefused() {
        assertTrue(RestGuard.check(null, null).contains("is not set"));
        assertTrue(RestGuard.check(" ", null).contains("is not set"));
    }

    @Test
    void httpsEnabledServesAnyHost() {
        assertNull(RestGuard.check("0.0.0.0", "true"));
        assertNull(RestGuard.check(null, "TRUE"));
    }
}
