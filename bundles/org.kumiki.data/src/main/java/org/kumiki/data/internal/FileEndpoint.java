package org.kumiki.data.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.WriteHandle;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Local files ({@code file:///abs/path}). Positional reads and writes through
 * {@link FileChannel}, zero-copy {@code transferTo} between local files when no checksum is
 * asked for, sparse-friendly (never pre-allocates), batch durability through one
 * {@code syncfs} ({@code sync -f}) instead of one fsync per small file.
 */
@Component(property = Endpoint.SCHEME + "=file")
public class FileEndpoint implements Endpoint {

    /**
     * Starts the write-back of large writes while the transfer goes on (Java has no
     * sync_file_range: an fdatasync on this thread does it), so the disk works while chunks
     * are hashed instead of all at the final fsync. One thread, gone when idle.
     */
    private final ThreadPoolExecutor writeback = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "kumiki-data-writeback");
                t.setDaemon(true);
                return t;
            });

    public FileEndpoint() {
        writeback.allowCoreThreadTimeOut(true);
    }

    @Deactivate
    void deactivate() {
        writeback.shutdownNow();
    }

    static Path path(URI u) {
        if (!"file".equalsIgnoreCase(u.getScheme())) throw new IllegalArgumentException("not a file URI: " + u);
        if (u.getHost() != null && !u.getHost().isEmpty() && !u.getHost().equals("localhost")) {
            throw new IllegalArgumentException("file URIs name local paths only (no host): " + u);
        }
        return Path.of(u.getPath());
    }

    @Override
    public String description() {
        return "local files";
    }

    @Override
    public boolean writable() {
        return true;
    }

    /** {@code followed}: the attributes are those of a link's target (stat), not of the link (a listing). */
    static EntryDTO entry(Path p, URI uri, BasicFileAttributes a, boolean followed) {
        EntryDTO e = new EntryDTO();
        e.name = p.getFileName() == null ? "" : p.getFileName().toString();
        e.uri = uri.toString();
        e.type = a.isRegularFile() ? EntryDTO.FILE : a.isDirectory() ? EntryDTO.DIRECTORY : EntryDTO.OTHER;
        e.size = a.isRegularFile() ? a.size() : -1;
        e.modified = a.lastModifiedTime().toMillis();
        if (a.isSymbolicLink()) {
            e.kind = EntryDTO.SYMLINK;
        } else if (a.isOther()) {
            e.kind = kind(p, followed);
        } else if (a.isRegularFile() && PseudoFileSystems.sizeUnknown(p, a.size(), followed)) {
            // /proc, /sys: the stat size is not the content's; the engine reads to the end
            e.size = -1;
        }
        return e;
    }

    /** What a special file is, from the file type bits of its mode. */
    static String kind(Path p, boolean followed) {
        try {
            int mode = (Integer) (followed ? Files.getAttribute(p, "unix:mode") : Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
            switch (mode & 0170000) {
                case 0010000: return EntryDTO.FIFO;
                case 0020000: return EntryDTO.CHAR_DEVICE;
                case 0060000: return EntryDTO.BLOCK_DEVICE;
                case 0140000: return EntryDTO.SOCKET;
                case 0120000: return EntryDTO.SYMLINK;
                default: return null;
            }
        } catch (IOException | RuntimeException e) {
            return null; // no unix view here: "special file" without a kind
        }
    }

    @Override
    public EntryDTO stat(URI uri) throws IOException {
        Path p = path(uri);
        try {
            return entry(p, uri, Files.readAttributes(p, BasicFileAttributes.class), true);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public List<EntryDTO> list(URI folder) throws IOException {
        Path dir = path(folder);
        List<EntryDTO> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                out.add(entry(p, Uris.child(folder, p.getFileName().toString()), a, false));
            }
        }
        return out;
    }

    @Override
    public ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
        FileChannel ch = FileChannel.open(path(uri), StandardOpenOption.READ);
        return new FileRead(ch);
    }

    @Override
    public WriteHandle openWrite(URI uri) throws IOException {
        Path p = path(uri);
        try {
            // the usual case, a new temporary file: known to be empty, so truncate() needs no fstat
            return new FileWrite(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ), true, writeback);
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            return new FileWrite(p, FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ), false, writeback);
        }
    }

    @Override
    public void mkdirs(URI folder) throws IOException {
        Files.createDirectories(path(folder));
    }

    @Override
    public void rename(URI from, URI to) throws IOException {
        Path t = path(to);
        Files.move(path(from), t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(URI uri) throws IOException {
        Files.deleteIfExists(path(uri));
    }

    @Override
    public String readLink(URI link) throws IOException {
        return Files.readSymbolicLink(path(link)).toString();
    }

    @Override
    public void createLink(URI link, String target) throws IOException {
        Files.createSymbolicLink(path(link), Path.of(target));
    }

    @Override
    public URI realPath(URI uri) throws IOException {
        return path(uri).toRealPath().toUri();
    }

    @Override
    public void setModified(URI uri, long millis) throws IOException {
        // both times given: the JDK then sets them without reading the current ones first
        Files.getFileAttributeView(path(uri), java.nio.file.attribute.BasicFileAttributeView.class)
                .setTimes(FileTime.fromMillis(millis), FileTime.fromMillis(System.currentTimeMillis()), null);
    }

    @Override
    public void syncAll(List<URI> files) throws IOException {
        if (files.isEmpty()) return;
        if (files.size() > 8 && syncfs(path(files.get(0)))) return;
        java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
        for (URI u : files) {
            Path p = path(u);
            if (Files.isRegularFile(p)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            if (p.getParent() != null) folders.add(p.getParent());
        }
        folders.forEach(FileEndpoint::syncFolder);
    }

    /** One syncfs(2) for the file system holding {@code p}, through coreutils {@code sync -f}. */
    static boolean syncfs(Path p) {
        try {
            Process pr = new ProcessBuilder("sync", "-f", p.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!pr.waitFor(10, TimeUnit.MINUTES)) {
                pr.destroyForcibly();
                return false;
            }
            return pr.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** fsync of a folder, so that a rename in it is durable. */
    static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems refuse fsync on folders; the rename stays atomic
        }
    }

    static final class FileRead implements ReadHandle {
        final FileChannel ch;

        FileRead(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public ReadableByteChannel range(long offset, long length) {
            return new ReadableByteChannel() {
                long pos = offset;
                final long end = offset + length;
                boolean open = true;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    if (pos >= end) return -1;
                    int lim = dst.limit();
                    if (dst.remaining() > end - pos) dst.limit(dst.position() + (int) (end - pos));
                    try {
                        int n = ch.read(dst, pos);
                        if (n > 0) pos += n;
                        return n;
                    } finally {
                        dst.limit(lim);
                    }
                }

                @Override
                public boolean isOpen() {
                    return open;
                }

                @Override
                public void close() {
                    open = false;
                }
            };
        }

        @Override
        public long transferTo(long offset, long length, WriteHandle target, long targetOffset) throws IOException {
            if (!(target instanceof FileWrite)) return -1;
            ((FileWrite) target).fresh = false;
            try (FileChannel out = FileChannel.open(((FileWrite) target).path, StandardOpenOption.WRITE)) {
                out.position(targetOffset);
                long done = 0;
                while (done < length) {
                    long n = ch.transferTo(offset + done, length - done, out);
                    if (n <= 0) break;
                    done += n;
                }
                return done;
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    static final long WRITEBACK_BYTES = 32L << 20;

    static final class FileWrite implements WriteHandle {
        final Path path;
        final FileChannel ch;
        /** Created by this handle and not written beyond its end yet: empty. */
        volatile boolean fresh;
        /** Bytes written since the last write-back started; one write-back at a time. */
        private final AtomicLong unsynced = new AtomicLong();
        private final Executor writebacks;
        private CompletableFuture<Void> writeback = CompletableFuture.completedFuture(null);

        FileWrite(Path path, FileChannel ch, boolean fresh, Executor writebacks) {
            this.path = path;
            this.ch = ch;
            this.fresh = fresh;
            this.writebacks = writebacks;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            fresh = false;
            long p = position;
            while (src.hasRemaining()) {
                p += ch.write(src, p);
            }
            unsynced.addAndGet(p - position);
        }

        /** After a chunk: from 32 MiB written on, the disk starts writing them back now. */
        @Override
        public void flush() {
            if (unsynced.get() < WRITEBACK_BYTES) return;
            synchronized (this) {
                if (!writeback.isDone()) return;
                unsynced.set(0);
                try {
                    writeback = CompletableFuture.runAsync(() -> {
                        try {
                            ch.force(false);
                        } catch (IOException e) {
                            // the final force() reports what matters; this one only starts early
                        }
                    }, writebacks);
                } catch (RejectedExecutionException stopped) {
                    // endpoint deactivated: the final force() still makes it durable
                }
            }
        }

        @Override
        public ReadHandle reader() {
            FileRead r = new FileRead(ch);
            return new ReadHandle() {
                @Override
                public ReadableByteChannel range(long offset, long length) {
                    return r.range(offset, length);
                }

                @Override
                public void close() {
                    // the channel belongs to the write handle
                }
            };
        }

        @Override
        public void force() throws IOException {
            ch.force(false);
        }

        @Override
        public void truncate(long size) throws IOException {
            // only cuts: extending would allocate; chunks written at their offsets extend it sparsely
            if (fresh) return;
            if (ch.size() > size) ch.truncate(size);
        }

        @Override
        public void close() throws IOException {
            CompletableFuture<Void> w;
            synchronized (this) {
                w = writeback;
            }
            w.join(); // never closes the channel under a running write-back
            ch.close();
        }
    }
}
