package org.kumiki.data.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.LinkMode;
import org.kumiki.data.api.SyncLevel;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.SourceChangedException;
import org.kumiki.data.api.spi.WriteHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one task: lists the sources, then copies files (small ones whole, several at
 * once; large ones in chunks on parallel streams), verifying each against the source digest
 * by reading the destination back, writing under a temporary name and renaming only complete,
 * verified files. Small files are made durable in batches (one endpoint sync per batch) before
 * their renames. Large files record a restart marker per finished chunk.
 */
final class TaskRun implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);
    static final int BUFFER = 1 << 20;
    static final int BATCH_FILES = 2048;
    static final long BATCH_BYTES = 256L << 20;

    final TransferServiceImpl svc;
    final Task task;
    final TransferRequest req;
    final ChecksumAlgorithm algo;
    final boolean verify;
    final SyncLevel sync;
    final LinkMode links;
    private final Map<String, Marker> resumeMarkers;
    private final RateLimiter limiter;
    private volatile boolean stop;
    private volatile boolean cancel;
    private final Map<Endpoint, Batch> batches = new ConcurrentHashMap<>();
    /** Temp files in existence, to remove on cancel. */
    private final Set<Temp> temps = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
    private ExecutorService chunkPool;
    private long lastPersist;

    record Temp(Endpoint ep, URI uri) {
    }

    /** One file to copy; {@code dstEntry}: what planning found at the destination (null: nothing, or not looked). */
    record FileJob(Endpoint srcEp, URI src, EntryDTO srcEntry, Endpoint dstEp, URI dst, EntryDTO dstEntry) {
    }

    /** A destination the engine will not write over: not retried, reported in one line. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    TaskRun(TransferServiceImpl svc, Task task, Map<String, Marker> markers) {
        this.svc = svc;
        this.task = task;
        this.req = task.dto.request;
        this.algo = ChecksumAlgorithm.of(req.checksum);
        this.verify = Boolean.TRUE.equals(req.verify) && algo != ChecksumAlgorithm.NONE;
        this.sync = SyncLevel.valueOf(req.syncLevel);
        this.links = req.links == null ? LinkMode.SKIP : LinkMode.valueOf(req.links);
        this.resumeMarkers = new ConcurrentHashMap<>(markers);
        this.limiter = req.bandwidthLimit > 0 ? new RateLimiter(req.bandwidthLimit) : null;
    }

    /** Stops without changing the recorded state (service shutdown): the task resumes later. */
    void stop() {
        stop = true;
    }

    void cancel() {
        cancel = true;
    }

    private void checkGoing() {
        if (stop || cancel || task.cancelled) throw new CancellationException(cancel || task.cancelled ? "cancelled" : "service stopping");
    }

    @Override
    public void run() {
        boolean interrupted = false;
        try {
            start();
            // copying starts with the first file listed: the walk of a large tree overlaps the copies
            Copier copier = new Copier();
            try {
                plan(copier::add);
            } finally {
                // also when the walk ends early: no worker may outlive this run
                copier.inputDone();
                copier.await();
            }
            checkGoing();
            for (Batch b : batches.values()) b.flush();
            if (!stop && !isCancelled() && task.filesFailed.get() == 0 && req.deleteExtraneous) deleteExtraneous();
        } catch (CancellationException e) {
            // handled below
        } catch (Throwable e) {
            LOG.error("transfer {} failed", task.dto.id, e);
            task.error(null, null, oneLine(e), 1);
        } finally {
            if (chunkPool != null) chunkPool.shutdownNow();
            if (stop && !isCancelled()) {
                interrupted = true;
                synchronized (task) {
                    task.dto.state = TransferState.QUEUED;
                }
                svc.persist(task);
            } else {
                {
                    // the task is over: partial files of cancelled or failed files go
                    for (Temp t : temps) {
                        try {
                            t.ep().delete(t.uri());
                        } catch (IOException | RuntimeException ignored) {
                            // best effort
                        }
                    }
                }
                for (String temp : resumeMarkersAll()) svc.removeMarker(task.dto.id, temp);
                synchronized (task) {
                    task.runEndNanos = System.nanoTime();
                    task.dto.finishedAt = System.currentTimeMillis();
                    task.dto.state = (isCancelled() ? TransferState.CANCELED
                            : task.filesFailed.get() > 0 ? TransferState.FAILED : TransferState.SUCCEEDED);
                    if (task.dto.state == TransferState.FAILED && task.dto.message == null) task.dto.message = "failed";
                }
                svc.persist(task);
            }
            svc.runEnded(this, interrupted);
        }
    }

    private final Set<String> markersWritten = ConcurrentHashMap.newKeySet();

    private Set<String> resumeMarkersAll() {
        Set<String> all = new HashSet<>(markersWritten);
        all.addAll(resumeMarkers.keySet());
        return all;
    }

    private boolean isCancelled() {
        return cancel || task.cancelled;
    }

    private void start() {
        synchronized (task) {
            task.dto.state = TransferState.ACTIVE;
            if (task.dto.startedAt == 0) task.dto.startedAt = System.currentTimeMillis();
            // a resumed run counts again from what it finds
            task.filesDone.set(0);
            task.filesSkipped.set(0);
            task.filesFailed.set(0);
            task.filesTotal.set(0);
            task.bytesTotal.set(0);
            task.bytesDone.set(0);
            task.dto.errors.clear();
            task.dto.notices.clear();
            task.linksSkipped.set(0);
            task.specialsSkipped.set(0);
            task.dto.message = null;
            task.runStartNanos = System.nanoTime();
            task.runStartBytes = task.bytesTransferred.get();
        }
        svc.persist(task);
        svc.post(task);
    }

    // ------------------------------------------------------------------ planning

    private void plan(java.util.function.Consumer<FileJob> out) {
        for (TransferItem item : req.items) {
            checkGoing();
            URI s = URI.create(item.source);
            URI d = URI.create(item.destination);
            try {
                Endpoint se = endpointOf(s), de = endpointOf(d);
                EntryDTO st = se.stat(s);
                if (st == null) throw new NoSuchFileException(Uris.redact(s), null, "no such file or folder");
                if (st.isDirectory()) {
                    if (!item.recursive) throw new IOException(Uris.redact(s) + " is a folder: transfer it recursively");
                    EntryDTO dt = de.stat(d);
                    if (dt != null && !dt.isDirectory()) throw refused(d, dt, "a folder");
                    de.mkdirs(d);
                    List<String> ancestors = new ArrayList<>();
                    walk(se, s, de, d, dt == null ? Map.of() : null, out, 0, ancestors);
                } else if (st.isFile()) {
                    URI target = d;
                    EntryDTO dt = d.getPath().endsWith("/") ? null : de.stat(d);
                    if (d.getPath().endsWith("/") || (dt != null && dt.isDirectory())) {
                        target = Uris.child(d, Uris.name(s));
                        de.mkdirs(Uris.parent(target));
                        dt = de.stat(target);
                    } else {
                        de.mkdirs(Uris.parent(target));
                    }
                    if (dt != null && !dt.isFile()) throw refused(target, dt, "a regular file");
                    add(out, new FileJob(se, s, st, de, target, dt));
                } else {
                    throw new IOException(Uris.redact(s) + " is not a regular file or folder");
                }
            } catch (CancellationException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                task.error(Uris.redact(s), Uris.redact(d), describe(e), 1);
            }
        }
    }

    /**
     * The endpoint of a URI's scheme, got from its service on first use: one that is gone, or whose
     * component failed to activate (a bad configuration), fails the item with one line.
     */
    private Endpoint endpointOf(URI u) throws IOException {
        Endpoint e = svc.endpoint(u);
        if (e == null) {
            throw new IOException("the endpoint for '" + u.getScheme() + "' is not available (unregistered, or it failed to start: see the log)");
        }
        return e;
    }

    private void add(java.util.function.Consumer<FileJob> out, FileJob f) {
        task.filesTotal.incrementAndGet();
        task.bytesTotal.addAndGet(Math.max(0, f.srcEntry().size));
        out.accept(f);
    }

    /** The refusal of an existing destination entry that is not what the copy would put there. */
    static Refused refused(URI dst, EntryDTO there, String expected) {
        return new Refused(Uris.redact(dst) + " is " + article(describeType(there)) + " where " + expected
                + " is to go: refused, nothing written");
    }

    private static String article(String s) {
        return ("aeiou".indexOf(s.charAt(0)) >= 0 ? "an " : "a ") + s;
    }

    /** An entry's type in words: "regular file", "folder", "FIFO (named pipe)", "symbolic link", ... */
    static String describeType(EntryDTO e) {
        if (e.isFile()) return "regular file";
        if (e.isDirectory()) return "folder";
        if (e.kind == null) return "special file";
        switch (e.kind) {
            case EntryDTO.SYMLINK: return "symbolic link";
            case EntryDTO.FIFO: return "FIFO (named pipe)";
            case EntryDTO.SOCKET: return "socket";
            case EntryDTO.CHAR_DEVICE: return "character device";
            case EntryDTO.BLOCK_DEVICE: return "block device";
            default: return "special file (" + e.kind + ")";
        }
    }

    /**
     * Walks a source folder. {@code there}: the destination folder's entries by name, or null
     * to list it (an empty map: the folder was just created). {@code ancestors}: the real paths
     * of the source folders above, for link loops (FOLLOW only).
     */
    private void walk(Endpoint se, URI s, Endpoint de, URI d, Map<String, EntryDTO> there, java.util.function.Consumer<FileJob> out, int depth,
            List<String> ancestors) throws IOException {
        if (depth > 256) throw new IOException("folders nested deeper than 256 below " + Uris.redact(s));
        List<EntryDTO> entries = se.list(s);
        if (there == null) there = listing(de, d);
        String real = null;
        if (links == LinkMode.FOLLOW) {
            URI r = se.realPath(s);
            real = r == null ? null : strip(r.getPath());
            if (real != null) ancestors.add(real);
        }
        try {
            for (EntryDTO e : entries) {
                checkGoing();
                String bad = Uris.checkName(e.name);
                if (bad != null) {
                    task.error(Uris.redact(s) + "/" + Uris.printable(String.valueOf(e.name)), null, "refused " + bad, 1);
                    continue;
                }
                URI sc = Uris.child(s, e.name), dc = Uris.child(d, e.name);
                EntryDTO x = there.get(e.name);
                try {
                    if (e.isSymlink()) {
                        link(se, sc, e, de, dc, x, out, depth, ancestors);
                    } else {
                        entry(se, sc, e, de, dc, x, out, depth, ancestors);
                    }
                } catch (CancellationException ex) {
                    throw ex;
                } catch (IOException | RuntimeException ex) {
                    task.error(Uris.redact(sc), Uris.redact(dc), describe(ex), 1);
                }
            }
        } finally {
            if (real != null) ancestors.remove(ancestors.size() - 1);
        }
    }

    /** One listed (or followed) source entry that is not a link: a folder, a file or a special file. */
    private void entry(Endpoint se, URI sc, EntryDTO e, Endpoint de, URI dc, EntryDTO x, java.util.function.Consumer<FileJob> out, int depth,
            List<String> ancestors) throws IOException {
        if (e.isDirectory()) {
            if (x != null && !x.isDirectory()) throw refused(dc, x, "a folder");
            de.mkdirs(dc);
            walk(se, sc, de, dc, x == null ? Map.of() : null, out, depth + 1, ancestors);
        } else if (e.isFile()) {
            if (x != null && !x.isFile() && !x.isSymlink()) throw refused(dc, x, "a regular file");
            add(out, new FileJob(se, sc, e, de, dc, x));
        } else {
            task.specialsSkipped.incrementAndGet();
            String what = describeType(e);
            LOG.info("transfer {}: {} is {}: not copied", task.dto.id, Uris.redact(sc), article(what));
            task.notice(Uris.redact(sc), Uris.redact(dc), what + ": not copied");
        }
    }

    /** A symbolic link in a source folder, by the task's {@link LinkMode}. */
    private void link(Endpoint se, URI sc, EntryDTO e, Endpoint de, URI dc, EntryDTO x, java.util.function.Consumer<FileJob> out, int depth,
            List<String> ancestors) throws IOException {
        switch (links) {
            case COPY: {
                String target = se.readLink(sc);
                if (target == null) throw new IOException("symbolic link: " + se.description() + " cannot read links");
                task.filesTotal.incrementAndGet();
                if (x != null && !x.isFile() && !x.isSymlink()) throw refused(dc, x, "a symbolic link");
                if (x != null && x.isSymlink() && target.equals(de.readLink(dc))) {
                    task.filesSkipped.incrementAndGet();
                    return;
                }
                URI temp = tempFor(dc);
                de.delete(temp);
                de.createLink(temp, target);
                try {
                    de.rename(temp, dc);
                } catch (IOException | RuntimeException ex) {
                    try {
                        de.delete(temp);
                    } catch (IOException ignored) {
                        // best effort; the error below is what matters
                    }
                    throw ex;
                }
                task.filesDone.incrementAndGet();
                return;
            }
            case FOLLOW: {
                EntryDTO t = se.stat(sc);
                if (t == null) throw new NoSuchFileException(Uris.redact(sc), null, "dangling symbolic link (its target does not exist)");
                if (t.isDirectory()) {
                    URI r = se.realPath(sc);
                    if (r == null) throw new IOException("symbolic link to a folder: " + se.description() + " cannot resolve links, so loops cannot be detected: not followed");
                    String rp = strip(r.getPath());
                    for (String a : ancestors) {
                        if (a.equals(rp) || a.startsWith(rp.endsWith("/") ? rp : rp + "/")) {
                            throw new IOException("symbolic link loop: it points to " + rp + ", a folder above it: not followed");
                        }
                    }
                }
                EntryDTO followed = new EntryDTO();
                followed.name = e.name;
                followed.uri = e.uri;
                followed.type = t.type;
                followed.kind = t.kind;
                followed.size = t.size;
                followed.modified = t.modified;
                followed.version = t.version;
                entry(se, sc, followed, de, dc, x, out, depth, ancestors);
                return;
            }
            default: {
                task.linksSkipped.incrementAndGet();
                LOG.info("transfer {}: {} is a symbolic link: skipped (--links copy or follow copies it)", task.dto.id, Uris.redact(sc));
                task.notice(Uris.redact(sc), Uris.redact(dc), "symbolic link: skipped (links mode SKIP; COPY recreates it, FOLLOW copies its target)");
            }
        }
    }

    private static String strip(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** A destination folder's entries by name; empty when it does not exist. */
    private static Map<String, EntryDTO> listing(Endpoint de, URI d) throws IOException {
        Map<String, EntryDTO> m = new java.util.HashMap<>();
        try {
            for (EntryDTO e : de.list(d)) m.put(e.name, e);
        } catch (NoSuchFileException gone) {
            // nothing there yet
        }
        return m;
    }

    // ------------------------------------------------------------------ copying

    private static final FileJob END = new FileJob(null, null, null, null, null, null);

    /**
     * The file workers: each takes the next listed file itself (no hand-off, and no thread
     * wake-up, per file while files are queued); large files spread their chunks over the
     * chunk pool.
     */
    private final class Copier {
        final java.util.concurrent.LinkedBlockingQueue<FileJob> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final Thread[] workers = new Thread[Math.max(1, req.concurrency)];

        Copier() {
            chunkPool = Executors.newFixedThreadPool(Math.max(1, req.parallelStreams), daemon("kumiki-data-chunk"));
            java.util.concurrent.ThreadFactory tf = daemon("kumiki-data-file");
            for (int w = 0; w < workers.length; w++) {
                workers[w] = tf.newThread(this::work);
                workers[w].start();
            }
        }

        void add(FileJob f) {
            queue.add(f);
        }

        void inputDone() {
            queue.add(END);
        }

        private void work() {
            while (true) {
                FileJob f;
                try {
                    f = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (f == END) {
                    queue.add(END); // for the next worker
                    return;
                }
                if (stop || isCancelled()) continue; // drain: the task is ending
                try {
                    copyWithRetries(f);
                } catch (RuntimeException | Error e) {
                    if (!(e instanceof CancellationException)) LOG.error("file worker", e);
                }
                maybePersist();
            }
        }

        void await() throws InterruptedException {
            try {
                for (Thread t : workers) t.join();
            } catch (InterruptedException e) {
                stop = true;
                for (Thread t : workers) t.interrupt();
                throw e;
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void maybePersist() {
        long now = System.currentTimeMillis();
        if (now - lastPersist > 2000) {
            lastPersist = now;
            svc.persist(task);
        }
    }

    private void copyWithRetries(FileJob f) {
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                checkGoing();
                copy(f);
                return;
            } catch (CancellationException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stop || isCancelled()) return;
                if (!retryable(e) || attempts > req.retries) {
                    task.error(Uris.redact(f.src()), Uris.redact(f.dst()), describe(e), attempts);
                    return;
                }
                LOG.info("{}: attempt {} failed ({}), retrying", Uris.redact(f.src()), attempts, describe(e));
                backoff(attempts);
            }
        }
    }

    private void backoff(int attempt) {
        long ms = svc.settings.retryDelayMs << Math.min(10, attempt - 1);
        try {
            Thread.sleep(Math.min(ms, 60_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    static boolean retryable(Throwable e) {
        if (e instanceof SourceChangedException || e instanceof AccessDeniedException || e instanceof NoSuchFileException || e instanceof Refused) return false;
        if (e instanceof IllegalArgumentException) return false;
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota") || m.contains("Permission denied") || m.contains("Read-only file system")
                || m.contains("Operation not permitted")) return false;
        return e instanceof IOException || e instanceof java.io.UncheckedIOException;
    }

    static String describe(Throwable e) {
        if (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        if (e instanceof AccessDeniedException) return "permission denied: " + ((FileSystemException) e).getFile();
        if (e instanceof NoSuchFileException) {
            FileSystemException f = (FileSystemException) e;
            return "no such file or folder: " + f.getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String r = f.getReason() == null ? e.getClass().getSimpleName() : f.getReason();
            return r.toLowerCase(java.util.Locale.ROOT).contains("no space") ? "destination full (" + r + "): " + f.getFile() : r + ": " + f.getFile();
        }
        String m = oneLine(e);
        if (m.contains("No space left")) return "destination full: " + m;
        return m;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /** Whether the sync level lets an existing destination stand. */
    private boolean skip(FileJob f, EntryDTO dst) throws IOException {
        if (dst == null || !dst.isFile()) return false;
        EntryDTO s = f.srcEntry();
        boolean mtimeEqual = s.modified / 1000 == dst.modified / 1000;
        // a resumed run keeps files that an earlier run of this task finished
        if (task.dto.resumes > 0 && Boolean.TRUE.equals(req.preserveMtime) && dst.size == s.size && mtimeEqual) return true;
        switch (sync) {
            case EXISTS:
                return true;
            case SIZE:
                return dst.size == s.size;
            case MTIME:
                return dst.size == s.size && dst.modified / 1000 >= s.modified / 1000;
            case CHECKSUM:
                if (dst.size != s.size) return false;
                return Objects.equals(wholeDigest(f.srcEp(), f.src(), s), wholeDigest(f.dstEp(), f.dst(), dst));
            default:
                return false;
        }
    }

    private String wholeDigest(Endpoint ep, URI u, EntryDTO e) throws IOException {
        String n = ep.checksum(u, algo);
        if (n != null) return n;
        try (ReadHandle h = ep.openRead(u, e)) {
            return digest(h, 0, e.size);
        }
    }

    private void copy(FileJob f) throws IOException {
        // with sync level NONE on a first run nothing at the destination matters: spare the stat
        EntryDTO dst = sync == SyncLevel.NONE && task.dto.resumes == 0 ? f.dstEntry() : f.dstEp().stat(f.dst());
        if (dst != null && dst.isDirectory()) throw new FileSystemException(Uris.redact(f.dst()), null, "destination is a folder");
        if (dst != null && !dst.isFile() && !dst.isSymlink()) throw refused(f.dst(), dst, "a regular file");
        if (skip(f, dst)) {
            task.filesSkipped.incrementAndGet();
            task.bytesDone.addAndGet(f.srcEntry().size);
            return;
        }
        URI temp = tempFor(f.dst());
        long size = f.srcEntry().size;
        if (size > req.chunkSize) copyLarge(f, temp);
        else copySmall(f, temp);
    }

    URI tempFor(URI dst) {
        String name = Uris.name(dst);
        String id = task.dto.id.substring(task.dto.id.indexOf('-') + 1);
        String t = "." + (name.length() > 180 ? Integer.toHexString(name.hashCode()) : name) + ".kumiki-" + id + ".part";
        return Uris.child(Uris.parent(dst), t);
    }

    private void copySmall(FileJob f, URI temp) throws IOException {
        EntryDTO s = f.srcEntry();
        Temp tm = new Temp(f.dstEp(), temp);
        temps.add(tm);
        String srcDigest;
        String dstDigest = null;
        long n;
        try (ReadHandle in = f.srcEp().openRead(f.src(), s); WriteHandle out = f.dstEp().openWrite(temp)) {
            out.truncate(0);
            Hasher h = Hasher.of(algo);
            // exactly the listed size: a source that grew or shrank since shows in checkUnchanged;
            // a size the endpoint cannot tell (/proc, /sys): read to the end, checksum what was read
            n = pump(in, 0, s.size < 0 ? Long.MAX_VALUE : s.size, out, h);
            out.flush();
            if (s.size >= 0 && n != s.size) throw new SourceChangedException(Uris.redact(f.src()) + " changed during the transfer: " + n + " bytes read, " + s.size + " expected");
            srcDigest = h.hex();
            if (verify) {
                ReadHandle back = out.reader();
                if (back != null) dstDigest = digest(back, 0, n);
            }
        }
        if (s.size < 0) task.bytesTotal.addAndGet(n);
        if (verify) {
            String d = dstDigest != null ? dstDigest : wholeDigest(f.dstEp(), temp, sizeEntry(n));
            if (!srcDigest.equals(d)) {
                task.chunksResent.incrementAndGet();
                throw new IOException("verification failed for " + Uris.redact(f.dst()) + ": " + algo.id() + " " + d + " at the destination, " + srcDigest + " at the source");
            }
        }
        checkUnchanged(f);
        if (Boolean.TRUE.equals(req.preserveMtime) && s.modified > 0) f.dstEp().setModified(temp, s.modified);
        batches.computeIfAbsent(f.dstEp(), Batch::new).add(tm, f.dst(), n);
    }

    private static EntryDTO sizeEntry(long size) {
        EntryDTO e = new EntryDTO();
        e.type = EntryDTO.FILE;
        e.size = size;
        return e;
    }

    private void checkUnchanged(FileJob f) throws IOException {
        EntryDTO now = f.srcEp().stat(f.src());
        EntryDTO was = f.srcEntry();
        if (now == null) throw new SourceChangedException(Uris.redact(f.src()) + " was removed during the transfer");
        // a pseudo file (/proc): its size is unknown and its times are made up at each look
        if (was.size < 0 && now.size < 0 && now.isFile()) return;
        if (now.size != was.size || now.modified != was.modified || !Objects.equals(now.version, was.version)) {
            throw new SourceChangedException(Uris.redact(f.src()) + " changed during the transfer (size " + was.size + " -> " + now.size
                    + ", modified " + was.modified + " -> " + now.modified + ")");
        }
    }

    /** Renames verified small files in batches, after one durability sync per batch. */
    final class Batch {
        final Endpoint ep;
        List<Object[]> pending = new ArrayList<>();
        long bytes;

        Batch(Endpoint ep) {
            this.ep = ep;
        }

        void add(Temp t, URI dst, long size) throws IOException {
            List<Object[]> full = null;
            synchronized (this) {
                pending.add(new Object[] {t, dst, size});
                bytes += size;
                if (pending.size() >= BATCH_FILES || bytes >= BATCH_BYTES) {
                    full = pending;
                    pending = new ArrayList<>();
                    bytes = 0;
                }
            }
            if (full != null) commit(full, false);
        }

        void flush() throws IOException {
            List<Object[]> full;
            synchronized (this) {
                full = pending;
                pending = new ArrayList<>();
                bytes = 0;
            }
            if (!full.isEmpty()) commit(full, true);
            else if (!renamed.isEmpty()) syncRenamed();
        }

        /** Final names renamed since the last sync of folders. */
        private final List<URI> renamed = java.util.Collections.synchronizedList(new ArrayList<>());

        private void syncRenamed() {
            List<URI> all;
            synchronized (renamed) {
                all = new ArrayList<>(renamed);
                renamed.clear();
            }
            try {
                ep.syncAll(all);
            } catch (IOException e) {
                LOG.warn("syncing renamed files: {}", describe(e));
            }
        }

        private void commit(List<Object[]> files, boolean last) throws IOException {
            List<URI> tempUris = new ArrayList<>(), finals = new ArrayList<>();
            for (Object[] o : files) {
                tempUris.add(((Temp) o[0]).uri());
                finals.add((URI) o[1]);
            }
            try {
                ep.syncAll(tempUris);
            } catch (IOException e) {
                for (Object[] o : files) task.error(null, Uris.redact((URI) o[1]), "sync: " + describe(e), 1);
                return;
            }
            for (Object[] o : files) {
                Temp t = (Temp) o[0];
                URI dst = (URI) o[1];
                try {
                    ep.rename(t.uri(), dst);
                    temps.remove(t);
                    task.filesDone.incrementAndGet();
                    task.bytesDone.addAndGet((Long) o[2]);
                } catch (IOException e) {
                    task.error(null, Uris.redact(dst), describe(e), 1);
                }
            }
            // the renames become durable with the next batch's sync, the last ones now
            renamed.addAll(finals);
            if (last) syncRenamed();
        }
    }

    private void copyLarge(FileJob f, URI temp) throws IOException {
        EntryDTO s = f.srcEntry();
        long chunk = req.chunkSize;
        int n = (int) ((s.size + chunk - 1) / chunk);
        Marker m = resumeMarkers.get(temp.toString());
        if (m != null && (m.srcSize != s.size || m.srcModified != s.modified || !Objects.equals(m.srcVersion, s.version)
                || m.chunkSize != chunk || !algo.id().equals(m.algorithm))) {
            LOG.info("{} changed since the interrupted run: copying it again from the start", Uris.redact(f.src()));
            m = null;
        }
        boolean fresh = m == null;
        if (fresh) {
            m = new Marker();
            m.source = f.src().toString();
            m.temp = temp.toString();
            m.srcSize = s.size;
            m.srcModified = s.modified;
            m.srcVersion = s.version;
            m.chunkSize = chunk;
            m.algorithm = algo.id();
        }
        resumeMarkers.put(temp.toString(), m);
        markersWritten.add(temp.toString());
        Temp tm = new Temp(f.dstEp(), temp);
        temps.add(tm);
        final Marker marker = m;
        try (ReadHandle in = f.srcEp().openRead(f.src(), s); WriteHandle out = f.dstEp().openWrite(temp)) {
            out.truncate(fresh ? 0 : s.size);
            if (fresh) svc.putMarker(task.dto.id, marker);
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int idx = i;
                final long off = i * chunk, len = Math.min(chunk, s.size - off);
                String had;
                synchronized (marker) {
                    had = marker.done.get(idx);
                }
                parts.add(CompletableFuture.runAsync(() -> {
                    try {
                        chunkWithRetries(f, temp, in, out, marker, idx, off, len, had);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }, chunkPool));
            }
            try {
                CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).join();
            } catch (CompletionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException) throw (IOException) c;
                if (c instanceof RuntimeException) throw (RuntimeException) c;
                throw e;
            }
            out.force();
        }
        checkUnchanged(f);
        if (Boolean.TRUE.equals(req.preserveMtime) && s.modified > 0) f.dstEp().setModified(temp, s.modified);
        // long copies leave time for something else to appear under the final name
        EntryDTO now = f.dstEp().stat(f.dst());
        if (now != null && !now.isFile()) throw refused(f.dst(), now, "a regular file");
        f.dstEp().rename(temp, f.dst());
        temps.remove(tm);
        f.dstEp().syncAll(List.of(f.dst()));
        svc.removeMarker(task.dto.id, temp.toString());
        resumeMarkers.remove(temp.toString());
        markersWritten.remove(temp.toString());
        task.filesDone.incrementAndGet();
    }

    private void chunkWithRetries(FileJob f, URI temp, ReadHandle in, WriteHandle out, Marker m, int idx, long off, long len, String had)
            throws IOException {
        if (had != null) {
            // kept from an interrupted run: check it, do not send it again
            String now = verify || algo != ChecksumAlgorithm.NONE ? readBack(f, temp, off, len) : had;
            if (had.equals(now)) {
                task.chunksReused.incrementAndGet();
                task.bytesDone.addAndGet(len);
                return;
            }
            LOG.info("{}: chunk {} at the destination does not match its restart marker: sending it again", Uris.redact(f.dst()), idx);
            task.chunksResent.incrementAndGet();
        }
        int attempts = 0;
        while (true) {
            attempts++;
            checkGoing();
            try {
                String d = copyChunk(f, temp, in, out, off, len);
                synchronized (m) {
                    m.done.put(idx, d);
                    svc.putMarker(task.dto.id, m);
                }
                task.bytesDone.addAndGet(len);
                return;
            } catch (IOException | RuntimeException e) {
                if (e instanceof CancellationException) throw e;
                if (!retryable(e) || attempts > req.retries) throw e;
                LOG.info("{}: chunk {} attempt {} failed ({}), retrying", Uris.redact(f.src()), idx, attempts, describe(e));
                task.chunksResent.incrementAndGet();
                backoff(attempts);
            }
        }
    }

    private String copyChunk(FileJob f, URI temp, ReadHandle in, WriteHandle out, long off, long len) throws IOException {
        if (algo == ChecksumAlgorithm.NONE) {
            long n = in.transferTo(off, len, out, off);
            if (n >= 0) {
                if (n != len) throw new SourceChangedException(Uris.redact(f.src()) + " is shorter than when the transfer started");
                task.bytesTransferred.addAndGet(n);
                if (limiter != null) limiter.acquire(n);
                return "";
            }
        }
        Hasher h = Hasher.of(algo);
        long n = pump(in, off, len, out, h);
        if (n != len) throw new SourceChangedException(Uris.redact(f.src()) + " is shorter than when the transfer started");
        out.flush();
        String d = h.hex();
        if (verify) {
            ReadHandle r = out.reader();
            String back = r != null ? digest(r, off, len) : readBack(f, temp, off, len);
            if (!d.equals(back)) {
                throw new IOException("verification failed for " + Uris.redact(f.dst()) + " bytes " + off + "+" + len + ": destination " + back + ", source " + d);
            }
        }
        return d;
    }

    private String readBack(FileJob f, URI temp, long off, long len) throws IOException {
        try (ReadHandle h = f.dstEp().openRead(temp, null)) {
            return digest(h, off, len);
        }
    }

    private String digest(ReadHandle h, long off, long len) throws IOException {
        Hasher d = Hasher.of(algo);
        ByteBuffer b = buffers.get();
        try (ReadableByteChannel ch = h.range(off, len)) {
            while (true) {
                checkGoing();
                b.clear();
                int r = ch.read(b);
                if (r < 0) break;
                b.flip();
                d.update(b);
            }
        }
        return d.hex();
    }

    /** Streams a range from {@code in} to {@code out} (same offsets), hashing on the way; returns bytes moved. */
    private long pump(ReadHandle in, long off, long len, WriteHandle out, Hasher h) throws IOException {
        ByteBuffer b = buffers.get();
        // under a bandwidth limit, smaller slices keep the pace smooth
        int slice = limiter == null ? BUFFER : (int) Math.max(16 << 10, Math.min(BUFFER, req.bandwidthLimit / 8));
        long pos = off;
        try (ReadableByteChannel ch = in.range(off, len)) {
            while (true) {
                checkGoing();
                b.clear();
                b.limit(slice);
                int r = ch.read(b);
                if (r < 0) break;
                if (r == 0) continue;
                b.flip();
                h.update(b.duplicate());
                out.write(b, pos);
                pos += r;
                task.bytesTransferred.addAndGet(r);
                if (limiter != null) limiter.acquire(r);
            }
        }
        return pos - off;
    }

    // ------------------------------------------------------------------ delete extraneous

    private void deleteExtraneous() {
        for (TransferItem item : req.items) {
            if (!item.recursive) continue;
            URI s = URI.create(item.source), d = URI.create(item.destination);
            try {
                prune(endpointOf(s), s, endpointOf(d), d, 0);
            } catch (IOException e) {
                task.error(null, Uris.redact(d), "deleting extraneous files: " + describe(e), 1);
            }
        }
    }

    private void prune(Endpoint se, URI s, Endpoint de, URI d, int depth) throws IOException {
        if (depth > 256) return;
        Set<String> keep = new HashSet<>();
        for (EntryDTO e : se.list(s)) keep.add(e.name);
        for (EntryDTO e : de.list(d)) {
            if (Uris.checkName(e.name) != null) continue;
            URI dc = Uris.child(d, e.name);
            if (e.isDirectory() && keep.contains(e.name)) {
                prune(se, Uris.child(s, e.name), de, dc, depth + 1);
            } else if (keep.contains(e.name) || e.name.contains(".kumiki-")) {
                continue;
            } else if (e.isFile() || (e.isSymlink() && links == LinkMode.COPY)) {
                // a link is removed itself, never what it points to
                de.delete(dc);
            } else if (!e.isDirectory()) {
                // devices, FIFOs, sockets (and links unless links are copied) are never deleted
                LOG.info("transfer {}: {} is {}: not deleted", task.dto.id, Uris.redact(dc), article(describeType(e)));
                task.notice(null, Uris.redact(dc), describeType(e) + ": not deleted (only regular files are)");
            }
        }
    }

    /** A token bucket shared by every stream of the task. */
    static final class RateLimiter {
        private final long perSecond;
        private long nextFree = System.nanoTime();

        RateLimiter(long perSecond) {
            this.perSecond = perSecond;
        }

        void acquire(long bytes) {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                if (nextFree < now - TimeUnit.MILLISECONDS.toNanos(100)) nextFree = now - TimeUnit.MILLISECONDS.toNanos(100);
                nextFree += bytes * 1_000_000_000L / perSecond;
                wait = nextFree - now;
            }
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        }
    }
}
