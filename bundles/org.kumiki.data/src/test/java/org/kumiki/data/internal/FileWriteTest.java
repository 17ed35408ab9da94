package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file endpoint's early write-back: started after large writes, one at a time, awaited by close. */
class FileWriteTest {

    @TempDir
    Path tmp;

    /** Runs nothing until told to: write-backs stay "in flight". */
    static final class HeldExecutor implements java.util.concurrent.Executor {
        final List<Runnable> held = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable r) {
            held.add(r);
        }

        synchronized void runAll() {
            held.forEach(Runnable::run);
            held.clear();
        }
    }

    @Test
    void writeBackStartsAfterLargeWritesOnlyAndOneAtATime() throws Exception {
        Path p = tmp.resolve("f");
        HeldExecutor ex = new HeldExecutor();
        FileEndpoint.FileWrite w = new FileEndpoint.FileWrite(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), true, ex);
        ByteBuffer mib = ByteBuffer.allocate(1 << 20);
        w.write(mib.duplicate(), 0);
        w.flush();
        assertEquals(0, ex.held.size(), "1 MiB written: no write-back (small files never start one)");
        long pos = 1 << 20;
        for (int i = 0; i < 32; i++, pos += 1 << 20) w.write(mib.duplicate(), pos);
        w.flush();
        assertEquals(1, ex.held.size(), "33 MiB written: one write-back started");
        for (int i = 0; i < 40; i++, pos += 1 << 20) w.write(mib.duplicate(), pos);
        w.flush();
        assertEquals(1, ex.held.size(), "one write-back at a time");
        ex.runAll();
        w.flush();
        assertEquals(1, ex.held.size(), "the next one once the first has finished");
        ex.runAll();
        w.close();
        assertEquals(73L << 20, Files.size(p));
    }

    @Test
    void closeWaitsForARunningWriteBackAndTheDataIsIntact() throws Exception {
        Path p = tmp.resolve("g");
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            FileEndpoint.FileWrite w = new FileEndpoint.FileWrite(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ), true, ex);
            byte[] data = new byte[40 << 20];
            new java.util.Random(7).nextBytes(data);
            w.write(ByteBuffer.wrap(data), 0);
            w.flush();
            w.close();
            assertTrue(!w.ch.isOpen());
            assertArrayEquals(data, Files.readAllBytes(p));
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void aDeactivatedEndpointStillWritesAndForces() throws Exception {
        FileEndpoint ep = new FileEndpoint();
        ep.deactivate();
        Path p = tmp.resolve("h");
        try (org.kumiki.data.api.spi.WriteHandle w = ep.openWrite(p.toUri())) {
            w.write(ByteBuffer.wrap(new byte[33 << 20]), 0);
            w.flush(); // the write-back pool is gone: no error, no write-back
            w.force();
        }
        assertEquals(33L << 20, Files.size(p));
    }
}
