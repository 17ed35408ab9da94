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
import java.nio.file.LinkOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import org.kumiki.platform.api.dto.ByteRangeDTO;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only journal. Frame: int length, int CRC32C, then {@code length} bytes of payload:
 * byte type (1 put, 2 remove), short key length, key (UTF-8), value. A frame that fails its
 * checks (length within the file and at most 64 MiB, CRC, type, key length) costs that record
 * only: the replay scans forward byte by byte to the next frame that passes them. Damage with no
 * valid frame after it is a torn tail and is truncated away; damage in the middle is logged
 * (one WARN line), the file copied aside and the journal rewritten to its good records.
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
        return new FileJournal(dir, replay, timer, flushIntervalMs, d -> {
        });
    }

    /** Opens for writing; {@code damage} hears of every damage the replay found (after it was logged). */
    static FileJournal open(Path dir, BiConsumer<String, byte[]> replay, ScheduledExecutorService timer, long flushIntervalMs,
            Consumer<JournalDamageDTO> damage) throws IOException {
        return new FileJournal(dir, replay, timer, flushIntervalMs, damage);
    }

    private FileJournal(Path dir, BiConsumer<String, byte[]> replay, ScheduledExecutorService timer, long flushIntervalMs,
            Consumer<JournalDamageDTO> damage) throws IOException {
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
        JournalDamageDTO found = null;
        try {
            Files.deleteIfExists(dir.resolve(FILE + ".tmp"));
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Scan scan = scan(channel);
            if (scan.midFile()) {
                // keep the damaged file for inspection, then rewrite the journal to its good records
                Path copy = keepAside();
                size = writeTmp(scan.live);
                channel.close();
                channel = null;
                replaceWithTmp();
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                found = scan.damage(file, false);
                found.keptAside = copy.toAbsolutePath().toString();
                LOG.warn(describe(found));
            } else if (scan.tornTail()) {
                long good = scan.dropped.get(0)[0];
                found = scan.damage(file, false);
                LOG.warn(describe(found));
                channel.truncate(good);
                channel.force(true);
                size = good;
            } else {
                size = scan.end;
            }
            channel.position(size);
            scan.live.forEach(replay);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        if (found != null) damage.accept(found);
        this.flusher = timer == null ? null : timer.scheduleWithFixedDelay(this::backgroundSync, flushIntervalMs, flushIntervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Replays {@code dir}'s journal without modifying anything (no lock, no creation, no
     * truncation, no copy). Returns the damage found in the middle of the file, or null; a
     * torn tail (possibly an append in progress) is not damage here.
     */
    static JournalDamageDTO readOnly(Path dir, BiConsumer<String, byte[]> replay) throws IOException {
        Path f = dir.resolve(FILE);
        Scan scan;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            scan = scan(ch);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(f.toString(), null, "no journal");
        }
        scan.live.forEach(replay);
        if (!scan.midFile()) return null;
        if (scan.dropped.get(scan.dropped.size() - 1)[1] == scan.end) scan.dropped.remove(scan.dropped.size() - 1); // maybe an append in progress
        JournalDamageDTO d = scan.damage(f, true);
        d.tornTail = false;
        return d;
    }

    /** The one log line that reports a damage. */
    static String describe(JournalDamageDTO d) {
        StringBuilder sb = new StringBuilder("journal ").append(d.file).append(": ");
        if (d.tornTail) {
            ByteRangeDTO r = d.dropped.get(0);
            return sb.append("dropping ").append(d.droppedBytes).append(" bytes of torn tail at offset ").append(r.start)
                    .append(" (").append(d.recordsKept).append(" records kept)").toString();
        }
        sb.append("dropped ").append(d.droppedBytes).append(" damaged bytes of ").append(d.fileBytes).append(" at ");
        for (int i = 0; i < d.dropped.size(); i++) {
            ByteRangeDTO r = d.dropped.get(i);
            if (i > 0) sb.append(',');
            sb.append('[').append(r.start).append(',').append(r.end).append(')');
        }
        sb.append("; ").append(d.recordsKept).append(" records kept");
        if (d.keptAside != null) sb.append("; the damaged file is kept as ").append(d.keptAside);
        if (d.readOnly) sb.append("; found by a read-only replay: the file was left as it is");
        return sb.toString();
    }

    private Path keepAside() throws IOException {
        String stamp = STAMP.format(Instant.now());
        Path copy = dir.resolve(FILE + ".damaged-" + stamp);
        for (int i = 1; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); i++) {
            copy = dir.resolve(FILE + ".damaged-" + stamp + "-" + i);
        }
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel c = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        return copy;
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What a replay found: the live records, the frames kept and the byte ranges dropped. */
    static final class Scan {
        final Map<String, byte[]> live = new LinkedHashMap<>();
        final List<long[]> dropped = new ArrayList<>();
        long records;
        long end;

        /** Damage with a good frame after it. */
        boolean midFile() {
            return !dropped.isEmpty() && (dropped.size() > 1 || dropped.get(0)[1] < end);
        }

        /** Only a tail was dropped. */
        boolean tornTail() {
            return dropped.size() == 1 && dropped.get(0)[1] == end;
        }

        JournalDamageDTO damage(Path f, boolean readOnly) {
            JournalDamageDTO d = new JournalDamageDTO();
            d.file = f.toAbsolutePath().toString();
            d.time = System.currentTimeMillis();
            d.fileBytes = end;
            d.dropped = new ArrayList<>();
            for (long[] r : dropped) {
                ByteRangeDTO b = new ByteRangeDTO();
                b.start = r[0];
                b.end = r[1];
                d.dropped.add(b);
                d.droppedBytes += r[1] - r[0];
            }
            d.recordsKept = records;
            d.tornTail = tornTail();
            d.readOnly = readOnly;
            return d;
        }
    }

    /** Reads every frame that passes its checks, resynchronising past damaged ones. */
    static Scan scan(FileChannel ch) throws IOException {
        Scan s = new Scan();
        long end = ch.size();
        s.end = end;
        long pos = 0;
        ByteBuffer head = ByteBuffer.allocate(11);
        CRC32C crc = new CRC32C();
        while (pos < end) {
            long next = frame(ch, pos, end, head, crc, s.live);
            if (next > 0) {
                s.records++;
                pos = next;
                continue;
            }
            long resume = resync(ch, pos + 1, end, head, crc);
            s.dropped.add(new long[] {pos, resume});
            pos = resume;
        }
        return s;
    }

    /**
     * Checks the frame at {@code pos} (length bounds, type, key length, CRC) and applies it to
     * {@code live} (when not null); returns the offset after it, or -1 when it is not a valid frame.
     */
    private static long frame(FileChannel ch, long pos, long end, ByteBuffer head, CRC32C crc, Map<String, byte[]> live) throws IOException {
        if (pos + 11 > end) return -1;
        head.clear();
        if (readFully(ch, head, pos) < 11) return -1;
        head.flip();
        int n = head.getInt();
        int expected = head.getInt();
        if (n < 3 || n > MAX_FRAME || n > end - pos - 8) return -1;
        byte type = head.get();
        if (type != PUT && type != REMOVE) return -1;
        int kl = head.getShort() & 0xffff;
        if (kl > n - 3 || (type == REMOVE && kl != n - 3)) return -1;
        ByteBuffer body = ByteBuffer.allocate(n);
        if (readFully(ch, body, pos + 8) < n) return -1;
        crc.reset();
        crc.update(body.array(), 0, n);
        if ((int) crc.getValue() != expected) return -1;
        if (live != null) {
            String key = new String(body.array(), 3, kl, StandardCharsets.UTF_8);
            if (type == PUT) {
                byte[] v = new byte[n - 3 - kl];
                System.arraycopy(body.array(), 3 + kl, v, 0, v.length);
                live.remove(key); // keep write order of the latest value
                live.put(key, v);
            } else {
                live.remove(key);
            }
        }
        return pos + 8 + n;
    }

    /** The offset of the first valid frame at or after {@code from}, or {@code end} when there is none. */
    private static long resync(FileChannel ch, long from, long end, ByteBuffer head, CRC32C crc) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(1 << 20);
        long base = from;
        int len = 0;
        for (long off = from; off + 11 <= end; off++) {
            if (off + 11 > base + len) {
                base = off;
                window.clear();
                len = readFully(ch, window, base);
                if (len < 11) break;
            }
            int i = (int) (off - base);
            // cheap checks on the window before reading the body for a CRC
            int n = window.getInt(i);
            if (n < 3 || n > MAX_FRAME || n > end - off - 8) continue;
            byte type = window.get(i + 8);
            if (type != PUT && type != REMOVE) continue;
            int kl = window.getShort(i + 9) & 0xffff;
            if (kl > n - 3) continue;
            if (frame(ch, off, end, head, crc, null) > 0) return off;
        }
        return end;
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
                long written = writeTmp(live);
                // pending appends are dropped: compact replaces the whole state
                pending.len = 0;
                channel.close();
                replaceWithTmp();
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                channel.position(channel.size());
                size = written;
                synced = appended;
            }
        }
    }

    /** Writes {@code live} to the temporary file (synced); returns its size. */
    private long writeTmp(Map<String, byte[]> live) throws IOException {
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
        return written;
    }

    /** Atomically replaces the log with the temporary file (a crash leaves the old or the new one). */
    private void replaceWithTmp() throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
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
