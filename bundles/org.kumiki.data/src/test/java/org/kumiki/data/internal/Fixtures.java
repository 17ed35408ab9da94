package org.kumiki.data.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.platform.api.journal.JournalFactory;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** Shared helpers: the platform's real journal, random files, digests. */
final class Fixtures {
    private Fixtures() {
    }

    static JournalFactory journals() {
        return JournalFactoryComponent.withInterval(20);
    }

    static TransferServiceImpl.Settings settings(long chunk) {
        TransferServiceImpl.Settings s = new TransferServiceImpl.Settings();
        s.chunkSize = chunk;
        s.retryDelayMs = 10;
        s.checksum = ChecksumAlgorithm.SHA256;
        return s;
    }

    static TransferServiceImpl service(Path state, long chunk, Endpoint... extra) throws IOException {
        TransferServiceImpl s = TransferServiceImpl.open(journals(), state, settings(chunk));
        s.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
        for (Endpoint e : extra) s.addEndpoint(e, Map.of(Endpoint.SCHEME, "faulty"));
        return s;
    }

    static Path random(Path p, long size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        Random r = new Random(seed);
        byte[] b = new byte[1 << 16];
        try (var out = Files.newOutputStream(p)) {
            long left = size;
            while (left > 0) {
                r.nextBytes(b);
                int n = (int) Math.min(b.length, left);
                out.write(b, 0, n);
                left -= n;
            }
        }
        return p;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) md.update(b, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static TransferTaskDTO await(TransferServiceImpl s, String id) throws Exception {
        return s.await(id).toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(p -> p.getFileName().toString().contains(".kumiki-")).toList();
        }
    }
}
