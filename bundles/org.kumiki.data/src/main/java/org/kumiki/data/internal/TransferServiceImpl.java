package org.kumiki.data.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.DataTopics;
import org.kumiki.data.api.LinkMode;
import org.kumiki.data.api.SyncLevel;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer service: validates and records requests, runs up to a configured number of
 * tasks at once (each a {@link TaskRun}), tracks endpoints by scheme, and resumes unfinished
 * tasks after a restart. Task records and restart markers live in one platform journal.
 */
@Component(service = TransferService.class, configurationPid = TransferServiceImpl.PID, immediate = true)
@Designate(ocd = TransferServiceImpl.Config.class)
public class TransferServiceImpl implements TransferService {

    public static final String PID = "org.kumiki.data";
    private static final Logger LOG = LoggerFactory.getLogger(TransferServiceImpl.class);
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final int MAX_ITEMS = 100_000;

    @ObjectClassDefinition(name = "Kumiki data movement", description = "Transfer engine defaults and limits")
    public @interface Config {
        @AttributeDefinition(name = "State folder", description = "Journal of tasks and restart markers; empty means state/data under the installation home")
        String state_dir() default "";

        @AttributeDefinition(name = "Default checksum", description = "sha256, xxh64, crc32c or none")
        String checksum() default "sha256";

        @AttributeDefinition(name = "Files in flight", min = "1", max = "256")
        int concurrency() default 8;

        @AttributeDefinition(name = "Streams per large file", min = "1", max = "64")
        int parallel_streams() default 4;

        @AttributeDefinition(name = "Chunk size (bytes)", description = "Restart granularity; files above it are copied in parallel chunks", min = "65536")
        long chunk_size() default 64L << 20;

        @AttributeDefinition(name = "Retries", description = "Attempts per file or chunk after the first", min = "0", max = "100")
        int retries() default 3;

        @AttributeDefinition(name = "First retry delay (ms)", description = "Doubles with every attempt", min = "0")
        long retry_delay_ms() default 200;

        @AttributeDefinition(name = "Tasks at once", min = "1", max = "64")
        int max_active_tasks() default 4;
    }

    /** Settings as plain values, for tests and the component alike. */
    public static final class Settings {
        public ChecksumAlgorithm checksum = ChecksumAlgorithm.SHA256;
        public int concurrency = 8;
        public int parallelStreams = 4;
        public long chunkSize = 64L << 20;
        public int retries = 3;
        public long retryDelayMs = 200;
        public int maxActiveTasks = 4;

        static Settings of(Config c) {
            Settings s = new Settings();
            s.checksum = ChecksumAlgorithm.of(c.checksum());
            s.concurrency = clamp(c.concurrency(), 1, 256);
            s.parallelStreams = clamp(c.parallel_streams(), 1, 64);
            s.chunkSize = Math.max(64 << 10, c.chunk_size());
            s.retries = clamp(c.retries(), 0, 100);
            s.retryDelayMs = Math.max(0, c.retry_delay_ms());
            s.maxActiveTasks = clamp(c.max_active_tasks(), 1, 64);
            return s;
        }
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * An endpoint as registered: the object itself (tests, tools) or its service objects, from
     * which the endpoint is got on first use, so that an endpoint no transfer or listing uses is
     * never activated (the SFTP endpoint's class alone loads about 50 Apache MINA SSHD classes).
     */
    static final class EndpointRef {
        private final ComponentServiceObjects<Endpoint> service; // null: given as an object
        private Endpoint endpoint; // guarded by this
        final List<String> schemes;
        final String bundle;

        EndpointRef(Endpoint endpoint, List<String> schemes, String bundle) {
            this.service = null;
            this.endpoint = endpoint;
            this.schemes = schemes;
            this.bundle = bundle;
        }

        EndpointRef(ComponentServiceObjects<Endpoint> service, List<String> schemes, String bundle) {
            this.service = service;
            this.schemes = schemes;
            this.bundle = bundle;
        }

        /** The endpoint, got from its service on the first call; null if the service has gone. */
        synchronized Endpoint endpoint() {
            if (endpoint == null && service != null) {
                try {
                    endpoint = service.getService();
                } catch (IllegalStateException e) {
                    return null; // unregistered meanwhile: its unbind removes this ref
                }
            }
            return endpoint;
        }

        boolean isFor(Object endpointOrService) {
            return service != null ? service == endpointOrService : endpoint == endpointOrService;
        }
    }

    final Settings settings;
    final Journal journal;
    private final Path stateDir;
    private final Object lock = new Object();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, String> byClientId = new HashMap<>();
    private final Deque<Task> queue = new ArrayDeque<>();
    private final Map<String, TaskRun> running = new HashMap<>();
    /** Restart markers replayed from the journal, per task. */
    final Map<String, Map<String, Marker>> markers = new ConcurrentHashMap<>();
    private final Map<String, EndpointRef> endpoints = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kumiki-data-task");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    private volatile boolean stopped;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    @Activate
    public TransferServiceImpl(@Reference JournalFactory journals, @Reference Installation installation, Config config) throws IOException {
        this(Settings.of(config), journals, config.state_dir().isBlank() ? installation.stateDirectory("data") : Path.of(config.state_dir()));
    }

    /** The service outside a framework (tests, tools): endpoints are added with {@link #addEndpoint}. */
    public static TransferServiceImpl open(JournalFactory journals, Path stateDir, Settings settings) throws IOException {
        return new TransferServiceImpl(settings, journals, stateDir);
    }

    private TransferServiceImpl(Settings settings, JournalFactory journals, Path stateDir) throws IOException {
        this.settings = settings;
        this.stateDir = stateDir.toAbsolutePath();
        Map<String, byte[]> live = new LinkedHashMap<>();
        this.journal = journals.open(this.stateDir.resolve("journal"), live::put);
        long liveBytes = 0;
        List<Task> unfinished = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            liveBytes += e.getValue().length + e.getKey().length() + 11;
            try {
                if (e.getKey().startsWith("t/")) {
                    TransferTaskDTO d = Json.MAPPER.readValue(e.getValue(), TransferTaskDTO.class);
                    Task t = new Task(d);
                    tasks.put(d.id, t);
                    if (d.clientSubmissionId != null) byClientId.put(d.clientSubmissionId, d.id);
                    if (!t.state().isTerminal()) unfinished.add(t);
                } else if (e.getKey().startsWith("m/")) {
                    Marker m = Json.MAPPER.readValue(e.getValue(), Marker.class);
                    String taskId = e.getKey().substring(2, e.getKey().indexOf('/', 2));
                    markers.computeIfAbsent(taskId, k -> new ConcurrentHashMap<>()).put(m.temp, m);
                }
            } catch (IOException | RuntimeException ex) {
                LOG.error("journal record {} is unreadable and skipped: {}", e.getKey(), ex.getMessage());
            }
        }
        // markers of tasks that are over (or unknown) are garbage
        for (String taskId : new ArrayList<>(markers.keySet())) {
            Task t = tasks.get(taskId);
            if (t == null || t.state().isTerminal()) {
                for (String temp : markers.remove(taskId).keySet()) journal.remove(markerKey(taskId, temp));
            }
        }
        if (journal.sizeBytes() > 1 << 20 && journal.sizeBytes() > 3 * liveBytes) {
            journal.compact(live);
        }
        live.clear();
        synchronized (lock) {
            for (Task t : unfinished) {
                t.dto.resumes++;
                t.dto.state = TransferState.QUEUED;
                queue.add(t);
            }
        }
        if (!unfinished.isEmpty()) LOG.info("resuming {} unfinished transfer task(s) from {}", unfinished.size(), this.stateDir);
        dispatch();
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        List<TaskRun> runs;
        synchronized (lock) {
            runs = new ArrayList<>(running.values());
        }
        // stop without recording CANCELED: the tasks resume at the next start
        for (TaskRun r : runs) r.stop();
        runners.shutdown();
        try {
            runners.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runners.shutdownNow();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the data journal: {}", e.getMessage());
        }
    }

    /** Closes like a deactivation (tests). */
    public void close() {
        deactivate();
    }

    // ------------------------------------------------------------------ endpoints

    /** Adds an endpoint object outside a framework (tests, tools); in one, endpoint services are bound lazily below. */
    public void addEndpoint(Endpoint e, Map<String, Object> props) {
        List<String> schemes = schemes(props.get(Endpoint.SCHEME));
        String bundle = "?";
        try {
            Bundle b = FrameworkUtil.getBundle(e.getClass());
            if (b != null) bundle = b.getSymbolicName();
        } catch (RuntimeException | LinkageError ignored) {
            // not in a framework (unit tests)
        }
        if (schemes.isEmpty()) {
            LOG.warn("endpoint {} has no {} property and is ignored", e, Endpoint.SCHEME);
            return;
        }
        EndpointRef ref = new EndpointRef(e, schemes, bundle);
        for (String s : schemes) endpoints.put(s, ref);
        dispatch();
    }

    public void removeEndpoint(Endpoint e, Map<String, Object> props) {
        endpoints.values().removeIf(r -> r.isFor(e));
    }

    /**
     * The endpoint services, bound without getting them: an endpoint is activated by the first
     * transfer, listing or {@link #endpoints()} call that needs it (the service objects are
     * released by SCR when the reference is unbound or this component deactivates).
     */
    @Reference(name = "endpointService", service = Endpoint.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeEndpointService")
    void addEndpointService(ComponentServiceObjects<Endpoint> service, Map<String, Object> props) {
        List<String> schemes = schemes(props.get(Endpoint.SCHEME));
        Bundle b = service.getServiceReference().getBundle();
        String bundle = b == null ? "?" : b.getSymbolicName();
        if (schemes.isEmpty()) {
            LOG.warn("endpoint service {} of {} has no {} property and is ignored", props.get("service.id"), bundle, Endpoint.SCHEME);
            return;
        }
        EndpointRef ref = new EndpointRef(service, schemes, bundle);
        for (String s : schemes) endpoints.put(s, ref);
        dispatch();
    }

    void removeEndpointService(ComponentServiceObjects<Endpoint> service, Map<String, Object> props) {
        endpoints.values().removeIf(r -> r.isFor(service));
    }

    static List<String> schemes(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String) out.add(((String) v).toLowerCase(Locale.ROOT));
        else if (v instanceof String[]) for (String s : (String[]) v) out.add(s.toLowerCase(Locale.ROOT));
        else if (v instanceof java.util.Collection) for (Object s : (java.util.Collection<?>) v) out.add(String.valueOf(s).toLowerCase(Locale.ROOT));
        return out;
    }

    Endpoint endpoint(URI u) {
        EndpointRef r = endpoints.get(u.getScheme().toLowerCase(Locale.ROOT));
        return r == null ? null : r.endpoint();
    }

    private Endpoint endpointOrReject(URI u) {
        Endpoint e = endpoint(u);
        if (e == null && endpoints.containsKey(u.getScheme().toLowerCase(Locale.ROOT))) {
            // got on first use: its component failed to activate (a bad configuration, logged by SCR)
            throw new TransferRejectedException("the endpoint for '" + u.getScheme() + "' is not available (it failed to start: see the log)");
        }
        if (e == null) {
            throw new TransferRejectedException("no endpoint for scheme '" + u.getScheme() + "' (registered: "
                    + String.join(", ", new TreeSet<>(endpoints.keySet())) + ")");
        }
        return e;
    }

    @Override
    public List<EndpointDTO> endpoints() {
        Map<EndpointRef, Boolean> seen = new LinkedHashMap<>();
        endpoints.values().forEach(r -> seen.put(r, true));
        List<EndpointDTO> out = new ArrayList<>();
        for (EndpointRef r : seen.keySet()) {
            Endpoint e = r.endpoint();
            if (e == null) continue; // gone meanwhile
            EndpointDTO d = new EndpointDTO();
            d.schemes = new ArrayList<>(r.schemes);
            d.description = e.description();
            d.writable = e.writable();
            d.bundle = r.bundle;
            out.add(d);
        }
        out.sort(Comparator.comparing(d -> d.schemes.get(0)));
        return out;
    }

    @Override
    public List<EntryDTO> list(URI uri) throws IOException {
        URI u = Uris.parse(uri.toString());
        Endpoint e = endpointOrReject(u);
        EntryDTO s = e.stat(u);
        if (s == null) throw new java.nio.file.NoSuchFileException(Uris.redact(u));
        if (!s.isDirectory()) return List.of(s);
        List<EntryDTO> out = new ArrayList<>();
        for (EntryDTO c : e.list(u)) {
            String bad = Uris.checkName(c.name);
            if (bad != null) {
                LOG.warn("{} lists a refused entry: {}", Uris.redact(u), bad);
                continue;
            }
            out.add(c);
        }
        out.sort(Comparator.comparing(c -> c.name));
        return out;
    }

    // ------------------------------------------------------------------ submission

    @Override
    public TransferTaskDTO submit(TransferRequest request) {
        TransferRequest r = normalize(request);
        Task t;
        synchronized (lock) {
            if (stopped) throw new TransferRejectedException("the transfer service is stopping");
            if (r.clientSubmissionId != null) {
                String existing = byClientId.get(r.clientSubmissionId);
                if (existing != null) {
                    Task et = tasks.get(existing);
                    String diff = differences(request, r, et.dto.request);
                    if (diff != null) {
                        throw new TransferRejectedException("client submission id '" + r.clientSubmissionId + "' was already used for " + existing
                                + " with a different request: " + diff + "; nothing submitted (use another id)");
                    }
                    return et.snapshot();
                }
            }
            TransferTaskDTO d = new TransferTaskDTO();
            d.id = newId();
            d.label = r.label;
            d.clientSubmissionId = r.clientSubmissionId;
            d.request = r;
            d.state = TransferState.QUEUED;
            d.submittedAt = System.currentTimeMillis();
            t = new Task(d);
            tasks.put(d.id, t);
            if (r.clientSubmissionId != null) byClientId.put(r.clientSubmissionId, d.id);
            persist(t);
            queue.add(t);
        }
        try {
            journal.sync();
        } catch (IOException e) {
            LOG.error("syncing the data journal: {}", e.getMessage());
        }
        post(t);
        dispatch();
        return t.snapshot();
    }

    private String newId() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        StringBuilder s = new StringBuilder("xfer-");
        for (byte x : b) s.append(String.format("%02x", x));
        return s.toString();
    }

    /** Checks a request and fills in the defaults; throws {@link TransferRejectedException}. */
    TransferRequest normalize(TransferRequest in) {
        if (in == null) throw new TransferRejectedException("no request");
        if (in.items == null || in.items.isEmpty()) throw new TransferRejectedException("a request needs at least one item");
        if (in.items.size() > MAX_ITEMS) throw new TransferRejectedException("at most " + MAX_ITEMS + " items per request");
        TransferRequest r = new TransferRequest();
        r.items = new ArrayList<>();
        for (TransferItem i : in.items) {
            if (i == null) throw new TransferRejectedException("null item");
            URI s = Uris.parse(i.source);
            URI d = Uris.parse(i.destination);
            endpointOrReject(s);
            Endpoint de = endpointOrReject(d);
            if (!de.writable()) throw new TransferRejectedException("scheme '" + d.getScheme() + "' cannot be a destination");
            if (sameOrInside(s, d)) throw new TransferRejectedException("destination " + Uris.redact(d) + " is the source or inside it");
            r.items.add(TransferItem.of(s.toString(), d.toString(), i.recursive));
        }
        if (in.label != null && (in.label.length() > 200 || in.label.chars().anyMatch(c -> c < 0x20))) {
            throw new TransferRejectedException("label: at most 200 printable characters");
        }
        r.label = in.label;
        if (in.clientSubmissionId != null && !CLIENT_ID.matcher(in.clientSubmissionId).matches()) {
            throw new TransferRejectedException("client submission id: 1 to 128 of letters, digits, '.', '_', ':', '-'");
        }
        r.clientSubmissionId = in.clientSubmissionId;
        try {
            r.syncLevel = (in.syncLevel == null || in.syncLevel.isBlank() ? SyncLevel.NONE : SyncLevel.valueOf(in.syncLevel.trim().toUpperCase(Locale.ROOT))).name();
        } catch (IllegalArgumentException e) {
            throw new TransferRejectedException("unknown sync level '" + in.syncLevel + "' (" + Arrays.toString(SyncLevel.values()) + ")");
        }
        ChecksumAlgorithm a;
        try {
            a = in.checksum == null || in.checksum.isBlank() ? settings.checksum : ChecksumAlgorithm.of(in.checksum);
        } catch (IllegalArgumentException e) {
            throw new TransferRejectedException(e.getMessage());
        }
        r.verify = in.verify == null ? a != ChecksumAlgorithm.NONE : in.verify;
        if (r.verify && a == ChecksumAlgorithm.NONE) throw new TransferRejectedException("verification needs a checksum algorithm (sha256, xxh64, crc32c)");
        if (SyncLevel.valueOf(r.syncLevel) == SyncLevel.CHECKSUM && a == ChecksumAlgorithm.NONE) {
            throw new TransferRejectedException("sync level CHECKSUM needs a checksum algorithm");
        }
        r.checksum = a.id();
        r.concurrency = range("concurrency", in.concurrency, 0, 256, settings.concurrency);
        r.parallelStreams = range("parallel streams", in.parallelStreams, 0, 64, settings.parallelStreams);
        if (in.chunkSize != 0 && (in.chunkSize < 64 << 10 || in.chunkSize > 4L << 30)) throw new TransferRejectedException("chunk size must be between 64 KiB and 4 GiB");
        r.chunkSize = in.chunkSize == 0 ? settings.chunkSize : in.chunkSize;
        if (in.bandwidthLimit < 0) throw new TransferRejectedException("bandwidth limit must not be negative");
        if (in.bandwidthLimit != 0 && in.bandwidthLimit < 1024) throw new TransferRejectedException("bandwidth limit below 1 KiB/s");
        r.bandwidthLimit = in.bandwidthLimit;
        r.deleteExtraneous = in.deleteExtraneous;
        if (in.retries < -1 || in.retries > 100) throw new TransferRejectedException("retries must be between 0 and 100");
        r.retries = in.retries == -1 ? settings.retries : in.retries;
        r.preserveMtime = in.preserveMtime == null ? Boolean.TRUE : in.preserveMtime;
        try {
            r.links = (in.links == null || in.links.isBlank() ? LinkMode.SKIP : LinkMode.valueOf(in.links.trim().toUpperCase(Locale.ROOT))).name();
        } catch (IllegalArgumentException e) {
            throw new TransferRejectedException("unknown links mode '" + in.links + "' (skip, copy, follow)");
        }
        return r;
    }

    /**
     * What differs between a request submitted again under a known client id ({@code in} as
     * given, {@code now} normalised) and the one recorded then; null when they are the same.
     * Options left to the service's defaults (which a reconfiguration may change) are not
     * compared; fixed defaults are.
     */
    static String differences(TransferRequest in, TransferRequest now, TransferRequest then) {
        List<String> d = new ArrayList<>();
        if (now.items.size() != then.items.size()) {
            d.add(then.items.size() + " item(s) then, " + now.items.size() + " now");
        } else {
            for (int i = 0; i < now.items.size(); i++) {
                TransferItem a = then.items.get(i), b = now.items.get(i);
                String at = now.items.size() > 1 ? " of item " + (i + 1) : "";
                // "dst/" and "dst" name the same folder (an absolute path gains the '/' once the folder exists)
                if (!strip(a.source).equals(strip(b.source))) d.add("source" + at + " " + shown(a.source) + " then, " + shown(b.source) + " now");
                if (!strip(a.destination).equals(strip(b.destination))) d.add("destination" + at + " " + shown(a.destination) + " then, " + shown(b.destination) + " now");
                if (a.recursive != b.recursive) d.add("recursive" + at + " " + a.recursive + " then, " + b.recursive + " now");
            }
        }
        differ(d, "label", then.label, now.label);
        differ(d, "sync level", then.syncLevel, now.syncLevel);
        if (in.checksum != null && !in.checksum.isBlank()) differ(d, "checksum", then.checksum, now.checksum);
        if (in.verify != null || (in.checksum != null && !in.checksum.isBlank())) differ(d, "verify", then.verify, now.verify);
        if (in.concurrency != 0) differ(d, "concurrency", then.concurrency, now.concurrency);
        if (in.parallelStreams != 0) differ(d, "parallel streams", then.parallelStreams, now.parallelStreams);
        if (in.chunkSize != 0) differ(d, "chunk size", then.chunkSize, now.chunkSize);
        if (in.retries != -1) differ(d, "retries", then.retries, now.retries);
        differ(d, "bandwidth limit", then.bandwidthLimit, now.bandwidthLimit);
        differ(d, "delete extraneous", then.deleteExtraneous, now.deleteExtraneous);
        differ(d, "preserve mtime", then.preserveMtime == null ? Boolean.TRUE : then.preserveMtime, now.preserveMtime);
        differ(d, "links", then.links == null ? LinkMode.SKIP.name() : then.links, now.links);
        return d.isEmpty() ? null : String.join("; ", d);
    }

    private static void differ(List<String> d, String what, Object then, Object now) {
        if (!java.util.Objects.equals(then, now)) d.add(what + " " + shown(then) + " then, " + shown(now) + " now");
    }

    private static String shown(Object v) {
        if (v == null) return "(none)";
        if (v instanceof String) {
            String s = (String) v;
            if (s.contains("://")) {
                try {
                    s = Uris.redact(URI.create(s));
                } catch (IllegalArgumentException ignored) {
                    // shown as it is
                }
            }
            return "'" + Uris.printable(s) + "'";
        }
        return String.valueOf(v);
    }

    private static int range(String what, int v, int lo, int hi, int dflt) {
        if (v < lo || v > hi) throw new TransferRejectedException(what + " must be between " + lo + " and " + hi + " (0 = default)");
        return v == 0 ? dflt : v;
    }

    static boolean sameOrInside(URI s, URI d) {
        if (!s.getScheme().equalsIgnoreCase(d.getScheme())) return false;
        if (!String.valueOf(s.getAuthority()).equals(String.valueOf(d.getAuthority()))) return false;
        String sp = strip(s.getPath()), dp = strip(d.getPath());
        return dp.equals(sp) || dp.startsWith(sp.endsWith("/") ? sp : sp + "/");
    }

    private static String strip(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    // ------------------------------------------------------------------ queries

    @Override
    public Optional<TransferTaskDTO> task(String id) {
        Task t;
        synchronized (lock) {
            t = id == null ? null : tasks.get(id);
        }
        return t == null ? Optional.empty() : Optional.of(t.snapshot());
    }

    @Override
    public List<TransferTaskDTO> tasks() {
        List<Task> all;
        synchronized (lock) {
            all = new ArrayList<>(tasks.values());
        }
        List<TransferTaskDTO> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) out.add(all.get(i).snapshot());
        return out;
    }

    @Override
    public Optional<TransferTaskDTO> cancel(String id) {
        Task t;
        TaskRun run;
        synchronized (lock) {
            t = id == null ? null : tasks.get(id);
            if (t == null) return Optional.empty();
            if (t.state().isTerminal()) return Optional.of(t.snapshot());
            run = running.get(id);
            t.cancelled = true;
            if (run == null) {
                queue.remove(t);
                t.dto.state = TransferState.CANCELED;
                t.dto.finishedAt = System.currentTimeMillis();
                persist(t);
            }
        }
        if (run == null) {
            finished(t);
        } else {
            run.cancel();
        }
        return Optional.of(t.snapshot());
    }

    @Override
    public CompletionStage<TransferTaskDTO> await(String id) {
        Task t;
        synchronized (lock) {
            t = id == null ? null : tasks.get(id);
        }
        if (t == null) return CompletableFuture.failedFuture(new IllegalArgumentException("no task " + id));
        return t.done.thenApply(x -> t.snapshot());
    }

    // ------------------------------------------------------------------ running

    /** Starts queued tasks while there is room and their endpoints are registered. */
    void dispatch() {
        List<TaskRun> start = new ArrayList<>();
        synchronized (lock) {
            if (stopped) return;
            for (java.util.Iterator<Task> it = queue.iterator(); it.hasNext() && running.size() + start.size() < settings.maxActiveTasks;) {
                Task t = it.next();
                if (!endpointsPresent(t.dto.request)) continue;
                it.remove();
                TaskRun run = new TaskRun(this, t, markers.getOrDefault(t.dto.id, Map.of()));
                running.put(t.dto.id, run);
                start.add(run);
            }
        }
        for (TaskRun r : start) runners.execute(r);
    }

    private static String scheme(String uri) {
        String s = URI.create(uri).getScheme();
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private boolean endpointsPresent(TransferRequest r) {
        for (TransferItem i : r.items) {
            // registered is enough: the endpoints are got when the task runs
            if (!endpoints.containsKey(scheme(i.source)) || !endpoints.containsKey(scheme(i.destination))) return false;
        }
        return true;
    }

    /** Called by a run when it ends; {@code stopped} runs stay unfinished in the journal. */
    void runEnded(TaskRun run, boolean interrupted) {
        synchronized (lock) {
            running.remove(run.task.dto.id);
        }
        if (!interrupted) {
            markers.remove(run.task.dto.id);
            finished(run.task);
        }
        dispatch();
    }

    private void finished(Task t) {
        try {
            journal.sync();
        } catch (IOException e) {
            LOG.error("syncing the data journal: {}", e.getMessage());
        }
        post(t);
        t.done.complete(null);
    }

    void persist(Task t) {
        try {
            journal.put("t/" + t.dto.id, Json.MAPPER.writeValueAsBytes(t.snapshot()));
        } catch (IOException e) {
            LOG.error("recording task {}: {}", t.dto.id, e.getMessage());
        }
    }

    static String markerKey(String taskId, String temp) {
        return "m/" + taskId + "/" + temp;
    }

    void putMarker(String taskId, Marker m) {
        try {
            journal.put(markerKey(taskId, m.temp), Json.MAPPER.writeValueAsBytes(m));
        } catch (IOException e) {
            LOG.error("recording a restart marker: {}", e.getMessage());
        }
    }

    void removeMarker(String taskId, String temp) {
        journal.remove(markerKey(taskId, temp));
    }

    void post(Task t) {
        EventAdmin ea = events;
        if (ea == null) return;
        TransferTaskDTO d = t.snapshot();
        Map<String, Object> p = new HashMap<>();
        p.put(DataTopics.TASK_ID, d.id);
        if (d.label != null) p.put(DataTopics.TASK_LABEL, d.label);
        p.put(DataTopics.TASK_STATE, d.state.name());
        p.put(DataTopics.BYTES_DONE, d.bytesDone);
        p.put(DataTopics.BYTES_TOTAL, d.bytesTotal);
        p.put(DataTopics.FILES_DONE, d.filesDone);
        p.put(DataTopics.FILES_FAILED, d.filesFailed);
        if (d.message != null) p.put(DataTopics.MESSAGE, d.message);
        try {
            ea.postEvent(new Event(DataTopics.topic(d.state), p));
        } catch (RuntimeException e) {
            LOG.debug("posting an event: {}", e.getMessage());
        }
    }
}
