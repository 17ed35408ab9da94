package org.kumiki.inference.http.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class HttpServerMonitorTest {

    @Test
    void aPortHeldByAnotherProcessIsNamedWithThePropertyThatMovesIt() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String line = HttpServerMonitor.diagnose("127.0.0.1", Integer.toString(held.getLocalPort()));
            assertTrue(line.contains("127.0.0.1:" + held.getLocalPort() + " is in use by another process"), line);
            assertTrue(line.contains("org.osgi.service.http.port"), line);
            assertTrue(!line.contains("\n"), line);
        }
        assertTrue(HttpServerMonitor.diagnose("127.0.0.1", "eighty").contains("org.osgi.service.http.port=eighty is not a port number"));
    }
}
