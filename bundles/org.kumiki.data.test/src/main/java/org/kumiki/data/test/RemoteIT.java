package org.kumiki.data.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;

/**
 * The sftp and http endpoint bundles inside Felix against the real sshd and nginx that
 * scripts/services/sshd.sh and nginx.sh run (skipped without them unless KUMIKI_REQUIRE_SSHD=1
 * / KUMIKI_REQUIRE_NGINX=1, which make a missing service a failure).
 */
class RemoteIT {

    static Map<String, String> env(String dirVar, String dflt, String requireVar, String what) {
        Path f = Path.of(System.getenv().getOrDefault(dirVar, dflt), "env");
        try {
            Map<String, String> m = new HashMap<>();
            for (String l : Files.readAllLines(f)) {
                int i = l.indexOf('=');
                if (i > 0) m.put(l.substring(0, i), l.substring(i + 1));
            }
            return m;
        } catch (IOException e) {
            String msg = "no test " + what + " (" + f + "): " + e;
            if ("1".equals(System.getenv(requireVar))) fail(msg + " and " + requireVar + "=1");
            Assumptions.abort(msg);
            return null;
        }
    }

    static void reachable(String host, int port, String requireVar, String what) {
        try (Socket s = new Socket(host, port)) {
            // up
        } catch (IOException e) {
            String msg = what + " not listening on " + host + ":" + port;
            if ("1".equals(System.getenv(requireVar))) fail(msg + " and " + requireVar + "=1");
            Assumptions.abort(msg);
        }
    }

    static TransferTaskDTO run(TransferService s, String src, String dst, boolean recursive) throws Exception {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src, dst, recursive));
        r.chunkSize = 1 << 20;
        TransferTaskDTO t = s.submit(r);
        return s.await(t.id).toCompletableFuture().get(180, TimeUnit.SECONDS);
    }

    @Test
    void sftpRoundTripConfiguredThroughConfigAdmin(@InjectService TransferService service, @InjectService ConfigurationAdmin cm) throws Exception {
        Map<String, String> e = env("KUMIKI_SSHD_DIR", "/var/lib/kumiki-sshd", "KUMIKI_REQUIRE_SSHD", "sshd");
        reachable(e.get("KUMIKI_SSHD_HOST"), Integer.parseInt(e.get("KUMIKI_SSHD_PORT")), "KUMIKI_REQUIRE_SSHD", "sshd");
        Configuration c = cm.getConfiguration("org.kumiki.data.sftp", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("identities", new String[] {e.get("KUMIKI_SSHD_KEY")});
        p.put("known.hosts", e.get("KUMIKI_SSHD_KNOWN_HOSTS"));
        p.put("ciphers", "aes128-gcm@openssh.com,aes128-ctr");
        c.update(p);
        Path home = Path.of(e.get("KUMIKI_SSHD_HOME"));
        String remote = home + "/it-" + UUID.randomUUID();
        String base = "sftp://" + e.get("KUMIKI_SSHD_USER") + "@" + e.get("KUMIKI_SSHD_HOST") + ":" + e.get("KUMIKI_SSHD_PORT");
        // the endpoint restarts with the configuration: wait until it can list the home folder
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                service.list(URI.create(base + home));
                break;
            } catch (Exception x) {
                if (System.nanoTime() > deadline) throw x;
                Thread.sleep(100);
            }
        }
        Path local = Files.createTempDirectory("kumiki-sftp-it");
        try {
            DataIT.tree(local.resolve("src"), 30);
            TransferTaskDTO up = run(service, local.resolve("src").toString(), base + remote, true);
            assertEquals(TransferState.SUCCEEDED, up.state, String.valueOf(up.errors));
            assertEquals(31, up.filesDone);
            TransferTaskDTO down = run(service, base + remote, local.resolve("back").toString(), true);
            assertEquals(TransferState.SUCCEEDED, down.state, String.valueOf(down.errors));
            DataIT.assertSameTree(local.resolve("src"), local.resolve("back"));
            assertTrue(service.endpoints().stream().anyMatch(x -> x.schemes.contains("sftp") && x.bundle.equals("org.kumiki.data.sftp")));
        } finally {
            DataIT.delete(local);
            DataIT.delete(Path.of(remote));
            c.delete();
        }
    }

    @Test
    void httpDownload(@InjectService TransferService service) throws Exception {
        Map<String, String> e = env("KUMIKI_NGINX_DIR", "/var/lib/kumiki-nginx", "KUMIKI_REQUIRE_NGINX", "nginx");
        URI base = URI.create(e.get("KUMIKI_NGINX_URL"));
        reachable(base.getHost(), base.getPort(), "KUMIKI_REQUIRE_NGINX", "nginx");
        String name = "it-" + UUID.randomUUID() + ".bin";
        Path served = Path.of(e.get("KUMIKI_NGINX_ROOT"), name);
        byte[] b = new byte[(5 << 20) + 123];
        new Random(5).nextBytes(b);
        Files.write(served, b);
        Path local = Files.createTempDirectory("kumiki-http-it");
        try {
            TransferTaskDTO t = run(service, base + "/" + name, local.resolve("x.bin").toString(), false);
            assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
            assertArrayEquals(b, Files.readAllBytes(local.resolve("x.bin")));
            assertTrue(service.endpoints().stream().anyMatch(x -> x.schemes.contains("https") && !x.writable));
        } finally {
            Files.deleteIfExists(served);
            DataIT.delete(local);
        }
    }
}
