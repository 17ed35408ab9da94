package org.kumiki.data.sftp.internal;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.internal.FileEndpoint;
import org.kumiki.data.internal.Hasher;
import org.kumiki.data.internal.TransferServiceImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;

/**
 * Benchmark driver for benchmarks/data/run.sh (not a test).
 *
 * <pre>
 * hash MB                                   checksum speeds on an in-memory buffer
 * copy STATE SRC DST CHECKSUM VERIFY [CONC STREAMS [KEY KNOWN_HOSTS CIPHERS]]   one transfer; prints its time
 * </pre>
 */
public final class DataBenchmark {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("hash")) {
            int mb = Integer.parseInt(a[1]);
            ByteBuffer b = ByteBuffer.allocateDirect(mb << 20);
            byte[] r = new byte[1 << 20];
            new Random(1).nextBytes(r);
            while (b.hasRemaining()) b.put(r, 0, Math.min(r.length, b.remaining()));
            for (ChecksumAlgorithm alg : new ChecksumAlgorithm[] {ChecksumAlgorithm.SHA256, ChecksumAlgorithm.XXH64, ChecksumAlgorithm.CRC32C}) {
                double best = 0;
                for (int round = 0; round < 5; round++) {
                    Hasher h = Hasher.of(alg);
                    long t0 = System.nanoTime();
                    for (int off = 0; off < b.capacity(); off += 1 << 20) {
                        ByteBuffer s = b.duplicate();
                        s.position(off).limit(Math.min(b.capacity(), off + (1 << 20)));
                        h.update(s);
                    }
                    h.hex();
                    double gbs = b.capacity() / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    best = Math.max(best, gbs);
                }
                System.out.printf(Locale.ROOT, "hash %s %.2f GB/s%n", alg.id(), best);
            }
            return;
        }
        Path state = Path.of(a[1]);
        JournalFactoryComponent journals = new JournalFactoryComponent(20);
        TransferServiceImpl svc = TransferServiceImpl.open(journals, state, new TransferServiceImpl.Settings());
        svc.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
        SftpEndpoint sftp = null;
        if (a.length > 10) {
            sftp = new SftpEndpoint(List.of(Path.of(a[8])), null, Path.of(a[9]), true, a[10], Duration.ofSeconds(30), 16);
            svc.addEndpoint(sftp, Map.of(Endpoint.SCHEME, "sftp"));
        }
        // a long-running service is warm: one small transfer first (JIT, Jackson, thread pools)
        // in memory (tmpfs) so that the warm-up frees no disk blocks for the timed copy to reuse
        Path shm = Path.of("/dev/shm");
        Path warm = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "kumiki-bench-warmup") : Files.createTempDirectory("kumiki-bench-warmup");
        byte[] junk = new byte[1 << 20];
        new Random(2).nextBytes(junk);
        for (int i = 0; i < 40; i++) Files.write(Files.createDirectories(warm.resolve("src")).resolve("f" + i), junk, java.nio.file.StandardOpenOption.CREATE);
        Files.write(warm.resolve("src/big"), new byte[80 << 20]);
        for (String alg : new String[] {"sha256", "crc32c", "none"}) {
            TransferRequest w = new TransferRequest();
            w.items.add(TransferItem.of(warm.resolve("src").toString(), warm.resolve("dst-" + alg).toString(), true));
            w.checksum = alg;
            w.verify = !alg.equals("none");
            w.chunkSize = 8 << 20;
            svc.await(svc.submit(w).id).toCompletableFuture().get(10, TimeUnit.MINUTES);
        }
        Files.walk(warm).sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(a[2], a[3], true));
        r.checksum = a[4];
        r.verify = Boolean.parseBoolean(a[5]);
        if (a.length > 6) r.concurrency = Integer.parseInt(a[6]);
        if (a.length > 7) r.parallelStreams = Integer.parseInt(a[7]);
        long t0 = System.nanoTime();
        TransferTaskDTO t = svc.submit(r);
        t = svc.await(t.id).toCompletableFuture().get(1, TimeUnit.HOURS);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "task %s %s files=%d bytes=%d seconds=%.3f%n", t.id, t.state, t.filesDone, t.bytesDone, secs);
        if (!t.errors.isEmpty()) System.out.println("errors " + t.errors.get(0).message);
        svc.close();
        if (sftp != null) sftp.close();
        Files.walk(state).sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        System.exit(t.state.equals("SUCCEEDED") ? 0 : 1);
    }
}
