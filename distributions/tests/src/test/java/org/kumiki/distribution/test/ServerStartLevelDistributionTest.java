package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * The workstation starts its servers (Felix Jetty, the Web Console, the REST and OIP servlets,
 * the SSH console) off the way to the prompt: at start level 110, above the launcher's beginning
 * level 102, raised by org.kumiki.platform right after start-up. In script mode only a script
 * line that needs them (frameworklevel, lb, kumiki:status, a line mentioning http) raises the
 * level, and the script waits for them first; a script without such a line never starts them.
 */
class ServerStartLevelDistributionTest {

    /** The state column of a bundle in an lb listing: "Active", "Resolved"... */
    static final String ROW = "(?s).*\\|%s\\s*\\|\\s*%d\\|%s .*";

    @Test
    void aScriptThatDoesNotNeedTheServersLeavesThemUnstarted(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // an lb nested in echo (...) is not a line whose command shows the servers, and "jetty12"
        // names Felix Jetty without saying http: the states are read without starting them
        Result r = HttpPortSmokeTest.script(dir, port,
                "kumiki:hardware\necho (lb -s jetty12)\necho (lb -s org.kumiki.platform.ssh)\necho (lb -s org.kumiki.scheduler.local)\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("START LEVEL 102"), r.out());
        assertTrue(r.out().matches(String.format(ROW, "Resolved", 110, "org\\.apache\\.felix\\.http\\.jetty12")), r.out());
        assertTrue(r.out().matches(String.format(ROW, "Resolved", 110, "org\\.kumiki\\.platform\\.ssh")), r.out());
        assertTrue(r.out().matches(String.format(ROW, "Active", 10, "org\\.kumiki\\.scheduler\\.local")), r.out());
        assertFalse(Files.readString(dir.resolve("log/kumiki.log")).contains("Started Jetty"), Files.readString(dir.resolve("log/kumiki.log")));
    }

    @Test
    void aStatusScriptStartsTheServersAndShowsThem(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/org.kumiki.platform.ssh.cfg"), "port=0\n");
        Result r = HttpPortSmokeTest.script(dir, port, "kumiki:status\necho (lb -s jetty12)\necho (lb -s org.kumiki.platform.ssh)\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("HTTP service: up at") && r.out().contains(":" + port), r.out());
        assertTrue(r.out().matches(String.format(ROW, "Active", 110, "org\\.apache\\.felix\\.http\\.jetty12")), r.out());
        assertTrue(r.out().matches(String.format(ROW, "Active", 110, "org\\.kumiki\\.platform\\.ssh")), r.out());
    }

    @Test
    void theServersStartAtTheirOwnLevelWhenAScriptLineNeedsThem(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/org.kumiki.platform.ssh.cfg"), "port=0\n");
        Result r = HttpPortSmokeTest.script(dir, port,
                "kumiki:hardware\nframeworklevel\nlb -s org.apache.felix.http.jetty12\nlb -s org.kumiki.platform.ssh\nlb -s org.kumiki.scheduler.local\nkumiki:status -d platform\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("Level is 110"), r.out());
        assertTrue(r.out().matches("(?s).*\\|Active\\s*\\|\\s*110\\|org\\.apache\\.felix\\.http\\.jetty12 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\|Active\\s*\\|\\s*110\\|org\\.kumiki\\.platform\\.ssh .*"), r.out());
        // the domains stay on the way to the prompt
        assertTrue(r.out().matches("(?s).*\\|Active\\s*\\|\\s*10\\|org\\.kumiki\\.scheduler\\.local .*"), r.out());
        assertTrue(r.out().contains("HTTP service: up at") && r.out().contains(":" + port), r.out());
    }
}
