package org.kumiki.data.sftp.internal;

import org.kumiki.data.api.TransferState;

import java.nio.ByteBuffer;
import java.net.URI;
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
    /** The machine's CPU times from /proc/stat (user nice system idle iowait irq softirq), or zeros. */
    static long[] cpu() {
        long[] v = new long[7];
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 0; i < v.length; i++) v[i] = Long.parseLong(f[i + 1]);
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figures
        }
        return v;
    }

    /** One untimed transfer with 8 MiB chunks, verified unless the algorithm is none; streams 0: the default. */
    static void warmUp(TransferServiceImpl svc, String src, String dst, boolean recursive, String alg, int streams) throws Exception {
        TransferRequest w = new TransferRequest();
        w.items.add(TransferItem.of(src, dst, recursive));
        w.checksum = alg;
        w.verify = !alg.equals("none");
        w.chunkSize = 8 << 20;
        w.parallelStreams = streams;
        svc.await(svc.submit(w).id).toCompletableFuture().get(10, TimeUnit.MINUTES);
    }

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
        JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
        TransferServiceImpl svc = TransferServiceImpl.open(journals, state, new TransferServiceImpl.Settings());
        svc.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
        SftpEndpoint sftp = null;
        if (a.length > 10) {
            sftp = new SftpEndpoint(List.of(Path.of(a[8])), null, Path.of(a[9]), true, a[10], Duration.ofSeconds(30), 16);
            svc.addEndpoint(sftp, Map.of(Endpoint.SCHEME, "sftp"));
        }
        // a long-running service is warm: transfers on tmpfs first (the warm-up then frees no disk
        // blocks for the timed copy to reuse), in rounds until the JIT has settled (6 rounds, then
        // until a round compiles for less than 20 ms; at most bench.warmups rounds)
        Path shm = Path.of("/dev/shm");
        Path warm = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "kumiki-bench-warmup") : Files.createTempDirectory("kumiki-bench-warmup");
        byte[] junk = new byte[1 << 20];
        new Random(2).nextBytes(junk);
        for (int i = 0; i < 40; i++) Files.write(Files.createDirectories(warm.resolve("src")).resolve("f" + i), junk, java.nio.file.StandardOpenOption.CREATE);
        Files.write(warm.resolve("src/big"), new byte[80 << 20]);
        Path many = Files.createDirectories(warm.resolve("src/small"));
        for (int i = 0; i < 3000; i++) Files.write(many.resolve("s" + i), java.util.Arrays.copyOf(junk, 4096));
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        int rounds = 0;
        long compiledBefore;
        do {
            compiledBefore = jit.getTotalCompilationTime();
            for (String alg : new String[] {"sha256", "crc32c", "none"}) {
                warmUp(svc, warm.resolve("src").toString(), warm.resolve("dst-" + alg + rounds).toString(), true, alg, 0);
            }
            rounds++;
        } while (rounds < Integer.getInteger("bench.warmups", 12) && (rounds < 6 || jit.getTotalCompilationTime() - compiledBefore >= 20));
        System.out.println("warm-up rounds " + rounds + ", JIT compilation " + jit.getTotalCompilationTime() + " ms");
        if (sftp != null && a[3].startsWith("sftp:")) {
            // the SFTP path (MINA, the cipher) warms up too: uploads of the 80 MiB file next to the target
            String target = a[3].substring(0, a[3].lastIndexOf('/') + 1) + ".kumiki-bench-warmup";
            for (int i = 0; i < 4; i++) {
                warmUp(svc, warm.resolve("src/big").toString(), target, false, "none", a.length > 7 ? Integer.parseInt(a[7]) : 0);
            }
            sftp.delete(URI.create(target));
            System.out.println("SFTP warm-up: 4 uploads of 80 MiB, JIT compilation " + jit.getTotalCompilationTime() + " ms");
        }
        Files.walk(warm).sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(a[2], a[3], true));
        r.checksum = a[4];
        r.verify = Boolean.parseBoolean(a[5]);
        if (a.length > 6) r.concurrency = Integer.parseInt(a[6]);
        if (a.length > 7) r.parallelStreams = Integer.parseInt(a[7]);
        long[] cpu0 = cpu();
        long t0 = System.nanoTime();
        TransferTaskDTO t = svc.submit(r);
        t = svc.await(t.id).toCompletableFuture().get(1, TimeUnit.HOURS);
        double secs = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = cpu();
        // whole machine during the task (both cores, kernel threads included), in % of wall x cores
        long all = 0;
        for (int i = 0; i < cpu0.length; i++) all += cpu1[i] - cpu0[i];
        if (all > 0) {
            System.out.printf(Locale.ROOT, "cpu user %.0f%% system %.0f%% iowait %.0f%% idle %.0f%%%n", 100.0 * (cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1]) / all,
                    100.0 * (cpu1[2] + cpu1[5] + cpu1[6] - cpu0[2] - cpu0[5] - cpu0[6]) / all, 100.0 * (cpu1[4] - cpu0[4]) / all, 100.0 * (cpu1[3] - cpu0[3]) / all);
        }
        System.out.printf(Locale.ROOT, "task %s %s files=%d bytes=%d seconds=%.3f%n", t.id, t.state, t.filesDone, t.bytesDone, secs);
        if (!t.errors.isEmpty()) System.out.println("errors " + t.errors.get(0).message);
        svc.close();
        if (sftp != null) sftp.close();
        Files.walk(state).sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        System.exit(t.state == TransferState.SUCCEEDED ? 0 : 1);
    }
}
