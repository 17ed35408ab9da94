package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

import org.kumiki.platform.api.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only journal. Frame: int length, int CRC32C, then {@code length} bytes of payload:
 * byte type (1 put, 2 remove), short key length, key (UTF-8), value. A frame whose CRC does not
 * match, or that is cut short, ends the replay and is truncated away.
 */
final class FileJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
    static final String FILE = "journal.log";
    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final int MAX_FRAME = 64 << 20;

    private final Path dir;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel channel;
    private long size;

    // appends go to this buffer under 'this'; sync writes it out and forces
    private final Frames pending = new Frames();
    private long appended; // sequence of appends
    private final Object syncLock = new Object();
    private long synced;
    private boolean closed;
    private final ScheduledFuture<?> flusher;

    static FileJournal open(Path dir, BiConsumer<String, byte[]> replay, ScheduledExecutorService timer, long flushIntervalMs)
            throws IOException {
        return new FileJournal(dir, replay, timer, flushIntervalMs);
    }

    private FileJournal(Path dir, BiConsumer<String, byte[]> replay, ScheduledExecutorService timer, long flushIntervalMs) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.file = dir.resolve(FILE);
        this.lockChannel = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // held by this JVM
        } catch (IOException e) {
            lockChannel.close();
            throw e;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("journal " + file + " is in use by another process");
        }
        this.lock = l;
        try {
            Files.deleteIfExists(dir.resolve(FILE + ".tmp"));
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Map<String, byte[]> live = new LinkedHashMap<>();
            long good = read(channel, live);
            long length = channel.size();
            if (good < length) {
                LOG.warn("journal {}: dropping {} bytes of torn or corrupt tail at offset {}", file, length - good, good);
                channel.truncate(good);
                channel.force(true);
            }
            this.size = good;
            channel.position(good);
            live.forEach(replay);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.flusher = timer == null ? null : timer.scheduleWithFixedDelay(this::backgroundSync, flushIntervalMs, flushIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** Reads frames into {@code live}; returns the offset after the last good frame. */
    static long read(FileChannel ch, Map<String, byte[]> live) throws IOException {
        long pos = 0;
        long end = ch.size();
        ByteBuffer head = ByteBuffer.allocate(8);
        CRC32C crc = new CRC32C();
        while (pos + 8 <= end) {
            head.clear();
            if (readFully(ch, head, pos) < 8) break;
            head.flip();
            int n = head.getInt();
            int expected = head.getInt();
            if (n < 3 || n > MAX_FRAME || pos + 8 + n > end) break;
            ByteBuffer body = ByteBuffer.allocate(n);
            if (readFully(ch, body, pos + 8) < n) break;
            crc.reset();
            crc.update(body.array(), 0, n);
            if ((int) crc.getValue() != expected) break;
            body.flip();
            byte type = body.get();
            int kl = body.getShort() & 0xffff;
            if (kl > n - 3) break;
            String key = new String(body.array(), 3, kl, StandardCharsets.UTF_8);
            if (type == PUT) {
                byte[] v = new byte[n - 3 - kl];
                System.arraycopy(body.array(), 3 + kl, v, 0, v.length);
                live.remove(key); // keep write order of the latest value
                live.put(key, v);
            } else if (type == REMOVE) {
                live.remove(key);
            } else {
                break;
            }
            pos += 8 + n;
        }
        return pos;
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + total);
            if (r < 0) break;
            total += r;
        }
        return total;
    }

    @Override
    public void put(String key, byte[] value) {
        append(PUT, key, value);
    }

    @Override
    public void remove(String key) {
        append(REMOVE, key, new byte[0]);
    }

    private void append(byte type, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (closed) throw new IllegalStateException("journal " + file + " is closed");
            pending.add(type, k, value);
            appended++;
            if (pending.len > (1 << 20)) {
                try {
                    writeBuffer();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot write journal " + file, e);
                }
            }
        }
    }

    /** A growable buffer of encoded frames. */
    static final class Frames {
        byte[] buf = new byte[64 << 10];
        int len;

        void add(byte type, byte[] k, byte[] value) {
            if (k.length > 0xffff) throw new IllegalArgumentException("journal key longer than 65535 bytes");
            int n = 3 + k.length + value.length;
            if (n > MAX_FRAME) throw new IllegalArgumentException("journal record of " + n + " bytes exceeds " + MAX_FRAME);
            CRC32C crc = new CRC32C();
            crc.update(type);
            crc.update((k.length >>> 8) & 0xff);
            crc.update(k.length & 0xff);
            crc.update(k);
            crc.update(value);
            if (len + 8 + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + 8 + n));
            putInt(n);
            putInt((int) crc.getValue());
            buf[len++] = type;
            buf[len++] = (byte) (k.length >>> 8);
            buf[len++] = (byte) k.length;
            System.arraycopy(k, 0, buf, len, k.length);
            len += k.length;
            System.arraycopy(value, 0, buf, len, value.length);
            len += value.length;
        }

        private void putInt(int v) {
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        /** Writes everything out and empties the buffer; returns the bytes written. */
        int drainTo(FileChannel out) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
            while (b.hasRemaining()) out.write(b);
            int n = len;
            len = 0;
            return n;
        }
    }

    /** Caller holds 'this'. */
    private void writeBuffer() throws IOException {
        size += pending.drainTo(channel);
    }

    @Override
    public void flush() throws IOException {
        synchronized (this) {
            if (closed) throw new IOException("journal " + file + " is closed");
            writeBuffer();
        }
    }

    @Override
    public void sync() throws IOException {
        long target;
        synchronized (this) {
            target = appended;
        }
        synchronized (syncLock) {
            if (synced >= target) return;
            long upTo;
            FileChannel ch;
            synchronized (this) {
                if (closed) throw new IOException("journal " + file + " is closed");
                writeBuffer();
                upTo = appended;
                ch = channel;
            }
            ch.force(false);
            synced = upTo;
        }
    }

    private void backgroundSync() {
        try {
            sync();
        } catch (IOException | RuntimeException e) {
            LOG.error("journal {}: background sync failed: {}", file, e.toString());
        }
    }

    @Override
    public void compact(Map<String, byte[]> live) throws IOException {
        synchronized (syncLock) {
            synchronized (this) {
                if (closed) throw new IOException("journal " + file + " is closed");
                Path tmp = dir.resolve(FILE + ".tmp");
                long written = 0;
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    Frames frames = new Frames();
                    for (Map.Entry<String, byte[]> e : live.entrySet()) {
                        frames.add(PUT, e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
                        if (frames.len > (1 << 20)) written += frames.drainTo(out);
                    }
                    written += frames.drainTo(out);
                    out.force(true);
                }
                // pending appends are dropped: compact replaces the whole state
                pending.len = 0;
                channel.close();
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                forceDirectory();
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                channel.position(channel.size());
                size = written;
                synced = appended;
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public synchronized long sizeBytes() {
        return size + pending.len;
    }

    @Override
    public void close() throws IOException {
        if (flusher != null) flusher.cancel(false);
        try {
            sync();
        } finally {
            synchronized (this) {
                closed = true;
            }
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // closing
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    static ScheduledExecutorService newTimer() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-journal-flusher");
            t.setDaemon(true);
            return t;
        });
    }
}
