package org.kumiki.inference.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;

class OipServletTest {

    @Test
    void onlyLoopbackClientsCountAsLocal() {
        assertTrue(OipServlet.isLoopback("127.0.0.1"));
        assertTrue(OipServlet.isLoopback("127.1.2.3"));
        assertTrue(OipServlet.isLoopback("::1"));
        assertTrue(OipServlet.isLoopback("0:0:0:0:0:0:0:1"));
        assertTrue(OipServlet.isLoopback("[::1]"));
        assertFalse(OipServlet.isLoopback("10.0.0.1"));
        assertFalse(OipServlet.isLoopback("192.168.1.5"));
        assertFalse(OipServlet.isLoopback("::ffff:10.0.0.1"));
        assertFalse(OipServlet.isLoopback("fe80::1"));
        assertFalse(OipServlet.isLoopback(null));
    }

    @Test
    void errorKindsMapToStatuses() {
        assertEquals(404, OipServlet.statusOf(new InferenceException(Kind.NOT_FOUND, "x")));
        assertEquals(400, OipServlet.statusOf(new InferenceException(Kind.INVALID_ARGUMENT, "x")));
        assertEquals(400, OipServlet.statusOf(new InferenceException(Kind.UNAVAILABLE, "x")));
        assertEquals(500, OipServlet.statusOf(new InferenceException(Kind.INTERNAL, "x")));
    }
}
