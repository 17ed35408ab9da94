package org.kumiki.data.sftp.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * The sshd that scripts/services/sshd.sh runs, from its env file. Missing: the tests skip, or
 * fail when KUMIKI_REQUIRE_SSHD=1.
 */
final class SshdEnv {
    final String host;
    final int port;
    final String user;
    final Path home;
    final Path key;
    final Path passwordFile;
    final Path knownHosts;
    final long masterPid;

    private SshdEnv(Map<String, String> m, Path dir) throws IOException {
        host = m.get("KUMIKI_SSHD_HOST");
        port = Integer.parseInt(m.get("KUMIKI_SSHD_PORT"));
        user = m.get("KUMIKI_SSHD_USER");
        home = Path.of(m.get("KUMIKI_SSHD_HOME"));
        key = Path.of(m.get("KUMIKI_SSHD_KEY"));
        passwordFile = Path.of(m.get("KUMIKI_SSHD_PASSWORD_FILE"));
        knownHosts = Path.of(m.get("KUMIKI_SSHD_KNOWN_HOSTS"));
        Path pid = dir.resolve("sshd.pid");
        masterPid = Files.exists(pid) ? Long.parseLong(Files.readString(pid).trim()) : -1;
    }

    static SshdEnv require() {
        String d = System.getenv().getOrDefault("KUMIKI_SSHD_DIR", "/var/lib/kumiki-sshd");
        Path dir = Path.of(d);
        boolean required = "1".equals(System.getenv("KUMIKI_REQUIRE_SSHD"));
        try {
            Map<String, String> m = new HashMap<>();
            for (String line : Files.readAllLines(dir.resolve("env"))) {
                int i = line.indexOf('=');
                if (i > 0) m.put(line.substring(0, i), line.substring(i + 1));
            }
            SshdEnv e = new SshdEnv(m, dir);
            try (java.net.Socket s = new java.net.Socket(e.host, e.port)) {
                return e;
            }
        } catch (IOException | RuntimeException e) {
            String msg = "no test sshd (scripts/services/sshd.sh start): " + e;
            if (required) fail(msg + " and KUMIKI_REQUIRE_SSHD=1");
            Assumptions.abort(msg);
            return null;
        }
    }

    String uri(String path) {
        return "sftp://" + user + "@" + host + ":" + port + path;
    }
}
