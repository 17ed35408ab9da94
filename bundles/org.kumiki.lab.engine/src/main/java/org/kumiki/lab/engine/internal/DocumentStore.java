package org.kumiki.lab.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Crash-safe document storage on the platform journal. Layout under the lab state folder:
 * {@code index/} (one journal: a {@link RunSummaryDTO} per run uid) and {@code runs/<uid>/}
 * (one journal per run: key {@code d<12 digits>} for the n-th document, value
 * {@code {"name": ..., "doc": {...}}}; key {@code incomplete} when the run was found without
 * a stop document at start-up). The index is derived: a run whose index record is missing or
 * unreadable gets its summary back from its own journal at start-up, and scan ids continue after
 * the highest found. Reading a run ({@link #documents}) never modifies its journal. Appends are buffered by the journal; the engine hands them to
 * the OS at every checkpoint ({@link OpenRun#flush()}: they survive kill -9) and makes them
 * durable ({@link OpenRun#sync()}, fsync) at open and close, and at checkpoints at most every
 * checkpoint.sync.ms.
 */
final class DocumentStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentStore.class);
    static final Pattern RUN_UID = Pattern.compile("run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Built with the first document read or written: Jackson's first mapper is ~0.1 s of class loading at start-up. */
    static final class Json {
        // ACCEPT_CASE_INSENSITIVE_ENUMS: index entries written before RunSummaryDTO.status was a
        // RunStatus carry Bluesky's lower-case word ("success")
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
        static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
        };
    }

    private final JournalFactory journals;
    private final Path runsDir;
    private final Journal index;
    private final Map<String, RunSummaryDTO> runs = new LinkedHashMap<>();
    private long lastScanId;

    DocumentStore(JournalFactory journals, Path stateDir) throws IOException {
        this.journals = journals;
        this.runsDir = stateDir.resolve("runs");
        Files.createDirectories(runsDir);
        Map<String, byte[]> live = new LinkedHashMap<>();
        this.index = journals.open(stateDir.resolve("index"), live::put);
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            try {
                RunSummaryDTO r = Json.MAPPER.readValue(e.getValue(), RunSummaryDTO.class);
                if (r.uid != null && RUN_UID.matcher(r.uid).matches()) runs.put(r.uid, r);
            } catch (IOException ex) {
                LOG.error("lab run index record {} is unreadable and is rebuilt from the run's journal: {}", e.getKey(), ex.getMessage());
            }
        }
        rebuild();
        recover();
    }

    /**
     * The index is derived data: a run folder whose index record is missing or unreadable (a
     * damaged or lost index) gets its summary back from its own journal, read without modifying it.
     */
    private void rebuild() throws IOException {
        List<Path> folders = new ArrayList<>();
        try (var list = Files.newDirectoryStream(runsDir)) {
            for (Path p : list) {
                String uid = p.getFileName().toString();
                if (RUN_UID.matcher(uid).matches() && !runs.containsKey(uid) && Files.isDirectory(p)) folders.add(p);
            }
        }
        if (folders.isEmpty()) return;
        int rebuilt = 0;
        for (Path p : folders) {
            String uid = p.getFileName().toString();
            List<DocumentDTO> docs = new ArrayList<>();
            try {
                journals.read(p, (k, v) -> {
                    if (k.startsWith("d")) docs.add(decode(v));
                });
            } catch (IOException | IllegalStateException e) {
                LOG.error("lab run {} has no index record and its journal cannot be read: {}", uid, e.getMessage());
                continue;
            }
            RunSummaryDTO r = summarise(uid, docs);
            if (r == null) {
                LOG.info("lab run folder {} holds no documents (the run never started) and is not listed", uid);
                continue;
            }
            runs.put(uid, r);
            index.put(uid, Json.MAPPER.writeValueAsBytes(r));
            rebuilt++;
        }
        if (rebuilt > 0) {
            index.sync();
            LOG.warn("lab run index: {} run summaries were missing or unreadable and were rebuilt from the runs' journals", rebuilt);
        }
    }

    /** A run's summary from its documents; status "running" when it has no stop document (recovery decides). Null without documents. */
    static RunSummaryDTO summarise(String uid, List<DocumentDTO> docs) {
        if (docs.isEmpty()) return null;
        RunSummaryDTO r = new RunSummaryDTO();
        r.uid = uid;
        r.status = RunStatus.RUNNING;
        r.numEvents = Map.of();
        r.documents = docs.size();
        DocumentDTO first = docs.get(0);
        if (LabConstants.START.equals(first.name)) {
            r.planName = first.doc.get("plan_name") instanceof String s ? s : null;
            r.scanId = first.doc.get("scan_id") instanceof Number n ? n.longValue() : 0;
            r.startTime = num(first.doc.get("time"));
        } else {
            // the start document itself was lost: the run is still listed, dated by its first document
            r.startTime = num(first.doc.get("time"));
            r.reason = "the start document was lost";
        }
        DocumentDTO last = docs.get(docs.size() - 1);
        if (LabConstants.STOP.equals(last.name)) stopped(r, last);
        return r;
    }

    /** Takes status, reason, stop time and event counts from a stop document. */
    private static void stopped(RunSummaryDTO r, DocumentDTO stop) {
        r.status = stop.doc.get("exit_status") instanceof String x ? statusOf(x) : RunStatus.INCOMPLETE;
        r.reason = stop.doc.get("reason") instanceof String s ? s : null;
        r.stopTime = num(stop.doc.get("time"));
        if (stop.doc.get("num_events") instanceof Map<?, ?> m) {
            Map<String, Long> counts = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (k instanceof String key && v instanceof Number n) counts.put(key, n.longValue());
            });
            r.numEvents = counts;
        }
    }

    /** Runs found "running" belonged to a container that died: find their stop or mark them incomplete. */
    private void recover() throws IOException {
        for (RunSummaryDTO r : runs.values()) {
            if (r.scanId > lastScanId) lastScanId = r.scanId;
            if (r.status != RunStatus.RUNNING) continue;
            List<DocumentDTO> docs = new ArrayList<>();
            boolean[] marked = {false};
            try (Journal j = journals.open(runsDir.resolve(r.uid), (k, v) -> {
                if (k.equals("incomplete")) marked[0] = true;
                else if (k.startsWith("d")) docs.add(decode(v));
            })) {
                DocumentDTO last = docs.isEmpty() ? null : docs.get(docs.size() - 1);
                r.documents = docs.size();
                if (last != null && LabConstants.STOP.equals(last.name)) {
                    stopped(r, last);
                    LOG.info("lab run {} had stopped before the crash ({})", r.uid, r.status);
                } else {
                    r.status = RunStatus.INCOMPLETE;
                    r.reason = "the container stopped before the run ended; " + docs.size() + " documents were persisted";
                    if (!marked[0]) {
                        j.put("incomplete", Json.MAPPER.writeValueAsBytes(Map.of("time", System.currentTimeMillis() / 1000.0, "documents", docs.size())));
                    }
                    j.sync();
                    LOG.warn("lab run {} is incomplete: {}", r.uid, r.reason);
                }
                long events = docs.stream().filter(d -> LabConstants.EVENT.equals(d.name)).count();
                if (r.numEvents == null || r.numEvents.isEmpty()) r.numEvents = Map.of("all", events);
            }
            index.put(r.uid, Json.MAPPER.writeValueAsBytes(r));
        }
        index.sync();
    }

    /** A stop document's exit status; one Bluesky does not define counts as a failure. */
    static RunStatus statusOf(String exitStatus) {
        try {
            RunStatus s = RunStatus.of(exitStatus);
            return s == RunStatus.RUNNING || s == RunStatus.INCOMPLETE ? RunStatus.FAIL : s;
        } catch (IllegalArgumentException e) {
            LOG.warn("lab stop document with an unknown exit status: {}", e.getMessage());
            return RunStatus.FAIL;
        }
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static DocumentDTO decode(byte[] v) {
        try {
            Map<String, Object> m = Json.MAPPER.readValue(v, Json.MAP);
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) m.get("doc");
            return DocumentDTO.of((String) m.get("name"), doc);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable document: " + e.getMessage(), e);
        }
    }

    synchronized long nextScanId() {
        return ++lastScanId;
    }

    /** Opens the journal of a new run and records it in the index (durably). */
    synchronized OpenRun open(RunSummaryDTO summary) throws IOException {
        Journal j = journals.open(runsDir.resolve(summary.uid), (k, v) -> {
        });
        runs.put(summary.uid, summary);
        index.put(summary.uid, Json.MAPPER.writeValueAsBytes(summary));
        index.sync();
        return new OpenRun(summary, j);
    }

    synchronized void update(RunSummaryDTO summary) throws IOException {
        runs.put(summary.uid, summary);
        index.put(summary.uid, Json.MAPPER.writeValueAsBytes(summary));
        index.sync();
    }

    synchronized List<RunSummaryDTO> runs() {
        List<RunSummaryDTO> l = new ArrayList<>(runs.values());
        l.sort(Comparator.comparingDouble((RunSummaryDTO r) -> r.startTime).reversed());
        return l;
    }

    synchronized RunSummaryDTO summary(String uid) {
        return runs.get(uid);
    }

    /** Reads a closed run's documents from disk, modifying nothing (a damaged record is skipped and reported). */
    List<DocumentDTO> documents(String uid) throws IOException {
        List<DocumentDTO> docs = new ArrayList<>();
        journals.read(runsDir.resolve(uid), (k, v) -> {
            if (k.startsWith("d")) docs.add(decode(v));
        });
        return docs;
    }

    @Override
    public void close() throws IOException {
        index.close();
    }

    /** The journal of the run being written. */
    static final class OpenRun {
        final RunSummaryDTO summary;
        private final Journal journal;
        private long seq;
        private final StringBuilder key = new StringBuilder(13);

        OpenRun(RunSummaryDTO summary, Journal journal) {
            this.summary = summary;
            this.journal = journal;
        }

        /** Appends one document (buffered until the next sync). */
        void append(String name, Map<String, Object> doc) throws IOException {
            Map<String, Object> rec = new LinkedHashMap<>(4);
            rec.put("name", name);
            rec.put("doc", doc);
            byte[] bytes = Json.MAPPER.writeValueAsBytes(rec);
            seq++;
            key.setLength(0);
            key.append('d');
            String s = Long.toString(seq);
            for (int i = s.length(); i < 12; i++) key.append('0');
            key.append(s);
            journal.put(key.toString(), bytes);
        }

        long documents() {
            return seq;
        }

        void sync() throws IOException {
            journal.sync();
        }

        /** To the OS, not the disk: survives the process being killed. */
        void flush() throws IOException {
            journal.flush();
        }

        void close() throws IOException {
            journal.close();
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
