package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * level 102, raised by org.kumiki.platform right after start-up; a script that shows them
 * (frameworklevel, lb, kumiki:status) waits for them first.
 */
class ServerStartLevelDistributionTest {

    @Test
    void theServersStartAtTheirOwnLevelRightAfterStartUp(@TempDir Path dir) throws Exception {
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
