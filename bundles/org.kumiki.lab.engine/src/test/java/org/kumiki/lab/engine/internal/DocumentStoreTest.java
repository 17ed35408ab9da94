package org.kumiki.lab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.internal.JournalFactoryComponent;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The lab's document store against damaged files: the index is rebuilt from the per-run
 * journals, scan ids never repeat, reading a run modifies nothing, and (seeded fault injection)
 * a fault costs only the documents whose bytes it touched.
 */
class DocumentStoreTest {

    static final ObjectMapper JSON = new ObjectMapper();

    JournalFactoryComponent journals;

    @BeforeEach
    void start() {
        journals = JournalFactoryComponent.withInterval(20); // a fresh damage list per test (its flusher thread is a daemon)
    }

    /** A run as written: its summary, its documents as JSON and each document's frame range in its journal. */
    record Written(RunSummaryDTO summary, List<String> docs, List<long[]> frames) {
    }

    /** Writes runs the way the Runner does: start, descriptor, events of varied sizes, stop. */
    static List<Written> writeRuns(DocumentStore store, Path state, Random rnd, int count) throws IOException {
        List<Written> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            String uid = "run-" + new UUID(rnd.nextLong(), rnd.nextLong());
            double t = 1_700_000_000 + r * 100 + rnd.nextInt(50) / 4.0;
            RunSummaryDTO s = new RunSummaryDTO();
            s.uid = uid;
            s.planName = r % 2 == 0 ? "scan" : "count";
            s.scanId = store.nextScanId();
            s.startTime = t;
            s.status = RunStatus.RUNNING;
            s.numEvents = Map.of();
            DocumentStore.OpenRun open = store.open(s);
            Path file = state.resolve("runs").resolve(uid).resolve("journal.log");
            List<String> docs = new ArrayList<>();
            List<long[]> frames = new ArrayList<>();
            int events = 3 + rnd.nextInt(25);
            List<Map.Entry<String, Map<String, Object>>> all = new ArrayList<>();
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("uid", uid);
            start.put("time", t);
            start.put("scan_id", s.scanId);
            start.put("plan_name", s.planName);
            all.add(Map.entry(LabConstants.START, start));
            all.add(Map.entry(LabConstants.DESCRIPTOR, Map.of("uid", "desc-" + r, "run_start", uid, "name", "primary")));
            for (int e = 0; e < events; e++) {
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("uid", "ev-" + r + "-" + e);
                ev.put("seq_num", e + 1);
                ev.put("time", t + e);
                ev.put("data", Map.of("det1", rnd.nextGaussian(), "m1", e * 0.5, "note", "x".repeat(rnd.nextInt(e % 5 == 0 ? 3000 : 80))));
                all.add(Map.entry(LabConstants.EVENT, ev));
            }
            Map<String, Object> stop = new LinkedHashMap<>();
            stop.put("uid", "stop-" + r);
            stop.put("time", t + events + 1);
            stop.put("run_start", uid);
            stop.put("exit_status", r == 3 ? "abort" : "success");
            stop.put("reason", r == 3 ? "operator abort" : "");
            stop.put("num_events", Map.of("primary", events));
            all.add(Map.entry(LabConstants.STOP, stop));
            for (Map.Entry<String, Map<String, Object>> d : all) {
                open.flush();
                long from = Files.size(file);
                open.append(d.getKey(), d.getValue());
                open.flush();
                frames.add(new long[] {from, Files.size(file)});
                docs.add(json(DocumentDTO.of(d.getKey(), d.getValue())));
            }
            open.sync();
            open.close();
            s.status = RunStatus.of((String) stop.get("exit_status"));
            s.reason = (String) stop.get("reason");
            s.stopTime = (Double) stop.get("time");
            s.numEvents = Map.of("primary", (long) events);
            s.documents = open.documents();
            store.update(s);
            out.add(new Written(s, docs, frames));
        }
        return out;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String key(RunSummaryDTO s) {
        return String.join("|", s.uid, String.valueOf(s.planName), String.valueOf(s.scanId), String.valueOf(s.startTime),
                String.valueOf(s.stopTime), String.valueOf(s.status), s.reason == null ? "" : s.reason, String.valueOf(new TreeMap<>(s.numEvents)),
                String.valueOf(s.documents));
    }

    static Map<String, String> listed(DocumentStore store) {
        Map<String, String> m = new TreeMap<>();
        for (RunSummaryDTO s : store.runs()) m.put(s.uid, key(s));
        return m;
    }

    static Map<String, String> expected(List<Written> runs) {
        Map<String, String> m = new TreeMap<>();
        for (Written w : runs) m.put(w.summary().uid, key(w.summary()));
        return m;
    }

    static Path base(Path tmp, JournalFactoryComponent journals, List<List<Written>> out) throws IOException {
        Path state = tmp.resolve("base");
        try (DocumentStore store = new DocumentStore(journals, state)) {
            out.add(writeRuns(store, state, new Random(42), 6));
        }
        return state;
    }

    static Path copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else if (!p.getFileName().toString().equals("journal.lock")) Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    static Path indexFile(Path state) {
        return state.resolve("index").resolve("journal.log");
    }

    @Test
    void oneFlippedByteAnywhereInTheIndexLosesNoRunAndScanIdsDoNotRepeat(@TempDir Path tmp) throws IOException {
        List<List<Written>> w = new ArrayList<>();
        Path base = base(tmp, journals, w);
        Map<String, String> want = expected(w.get(0));
        long size = Files.size(indexFile(base));
        Random rnd = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            Path state = copy(base, tmp.resolve("t" + trial));
            byte[] index = Files.readAllBytes(indexFile(state));
            int at = trial == 0 ? (int) size / 2 : rnd.nextInt(index.length);
            index[at] ^= (byte) (1 + rnd.nextInt(255));
            Files.write(indexFile(state), index);
            try (DocumentStore store = new DocumentStore(journals, state)) {
                assertEquals(want, listed(store), "byte " + at + " of the index flipped");
                assertEquals(7, store.nextScanId(), "byte " + at + ": the next scan id continues after the highest");
            }
        }
    }

    @Test
    void aWhollyCorruptOrMissingIndexIsRebuiltFromTheRunJournals(@TempDir Path tmp) throws IOException {
        List<List<Written>> w = new ArrayList<>();
        Path base = base(tmp, journals, w);
        Map<String, String> want = expected(w.get(0));

        Path garbage = copy(base, tmp.resolve("garbage"));
        byte[] noise = new byte[(int) Files.size(indexFile(garbage))];
        new Random(3).nextBytes(noise);
        Files.write(indexFile(garbage), noise);
        Path missing = copy(base, tmp.resolve("missing"));
        Files.delete(indexFile(missing));
        Path empty = copy(base, tmp.resolve("empty"));
        Files.write(indexFile(empty), new byte[0]);

        for (Path state : List.of(garbage, missing, empty)) {
            try (DocumentStore store = new DocumentStore(journals, state)) {
                assertEquals(want, listed(store), state.toString());
                assertEquals(7, store.nextScanId(), state.toString());
            }
            // the rebuilt index is written back: the next start needs no rebuild and finds the same
            try (DocumentStore store = new DocumentStore(journals, state)) {
                assertEquals(want, listed(store), state + " (second start)");
                assertEquals(7, store.nextScanId());
            }
        }
    }

    @Test
    void readingADamagedRunSkipsTheDamagedDocumentAndModifiesNothing(@TempDir Path tmp) throws IOException {
        List<List<Written>> w = new ArrayList<>();
        Path base = base(tmp, journals, w);
        Written run = w.get(0).get(2);
        Path dir = base.resolve("runs").resolve(run.summary().uid);
        Path file = dir.resolve("journal.log");
        byte[] bytes = Files.readAllBytes(file);
        long[] third = run.frames().get(3);
        bytes[(int) (third[0] + third[1]) / 2] ^= 0x20;
        Files.write(file, bytes);
        List<Path> before;
        try (var l = Files.list(dir)) {
            before = l.sorted().toList();
        }
        try (DocumentStore store = new DocumentStore(journals, base)) {
            for (int i = 0; i < 2; i++) {
                List<String> got = store.documents(run.summary().uid).stream().map(DocumentStoreTest::json).toList();
                List<String> want = new ArrayList<>(run.docs());
                want.remove(3);
                assertEquals(want, got);
            }
        }
        assertArrayEquals(bytes, Files.readAllBytes(file), "reading modified the run journal");
        try (var l = Files.list(dir)) {
            assertEquals(before, l.sorted().toList(), "reading created or removed files");
        }
        List<JournalDamageDTO> damage = journals.damage();
        assertEquals(1, damage.size(), "reported once: " + damage);
        assertTrue(damage.get(0).readOnly);
        assertEquals(third[1] - third[0], damage.get(0).droppedBytes);
    }

    /** Seeded fault injection on the index and the run journals; prints the figures. */
    @Test
    void seededFaultsCostOnlyTheDocumentsTheyTouch(@TempDir Path tmp) throws IOException {
        List<List<Written>> w = new ArrayList<>();
        Path base = base(tmp, journals, w);
        List<Written> runs = w.get(0);
        Map<String, String> want = expected(runs);
        int trials = 240;
        long faults = 0, indexFaults = 0, runFaults = 0, runsListed = 0, docsKept = 0, docsLost = 0, reported = 0, midFile = 0;
        for (int trial = 0; trial < trials; trial++) {
            Random rnd = new Random(10_000 + trial);
            Path state = copy(base, tmp.resolve("t" + trial));
            boolean onIndex = trial % 3 == 0;
            Written target = onIndex ? null : runs.get(rnd.nextInt(runs.size()));
            Path file = onIndex ? indexFile(state) : state.resolve("runs").resolve(target.summary().uid).resolve("journal.log");
            byte[] original = Files.readAllBytes(file);
            byte[] data = original.clone();
            String what;
            switch (trial % 4) {
                case 0 -> {
                    int at = rnd.nextInt(data.length);
                    data[at] ^= (byte) (1 + rnd.nextInt(255));
                    what = "flip " + at;
                }
                case 1 -> {
                    int at = rnd.nextInt(data.length);
                    int len = 1 + rnd.nextInt(Math.min(2048, data.length - at));
                    Arrays.fill(data, at, at + len, (byte) 0);
                    what = "zero " + at + "+" + len;
                }
                case 2 -> {
                    int at = rnd.nextInt(data.length);
                    data = Arrays.copyOf(data, at);
                    what = "truncate " + at;
                }
                default -> {
                    StringBuilder sb = new StringBuilder("scatter");
                    for (int i = 0, n = 2 + rnd.nextInt(4); i < n; i++) {
                        int at = rnd.nextInt(data.length);
                        data[at] ^= (byte) (1 + rnd.nextInt(255));
                        sb.append(' ').append(at);
                    }
                    what = sb.toString();
                }
            }
            Files.write(file, data);
            String fault = "trial " + trial + " " + (onIndex ? "index" : target.summary().uid) + ": " + what;
            faults++;
            int damageBefore = journals.damage().size();
            try (DocumentStore store = new DocumentStore(journals, state)) {
                Map<String, String> got = listed(store);
                assertEquals(want, got, fault + ": every run is listed with its summary");
                runsListed += got.size();
                assertEquals(runs.size() + 1, store.nextScanId(), fault + ": scan ids do not repeat");
                if (onIndex) {
                    indexFaults++;
                } else {
                    runFaults++;
                    // the documents whose frame bytes the fault left alone come back; the others are lost
                    List<String> expect = new ArrayList<>();
                    boolean mid = false; // a touched document with an untouched one after it (else it reads as a torn tail)
                    boolean seenTouched = false;
                    int lost = 0;
                    for (int i = 0; i < target.docs().size(); i++) {
                        long[] f = target.frames().get(i);
                        boolean touched = f[1] > data.length;
                        for (long b = f[0]; b < Math.min(f[1], data.length) && !touched; b++) touched = data[(int) b] != original[(int) b];
                        if (touched) {
                            lost++;
                            seenTouched = true;
                        } else {
                            mid |= seenTouched;
                            expect.add(target.docs().get(i));
                        }
                    }
                    List<String> docs = store.documents(target.summary().uid).stream().map(DocumentStoreTest::json).toList();
                    assertEquals(expect, docs, fault);
                    docsKept += docs.size();
                    docsLost += lost;
                    assertArrayEquals(data, Files.readAllBytes(file), fault + ": reading modified the run journal");
                    if (mid) {
                        midFile++;
                        List<JournalDamageDTO> d = journals.damage();
                        assertTrue(d.size() > damageBefore, fault + ": damage reported");
                        assertNotNull(d.get(d.size() - 1).file);
                    }
                }
            }
            if (journals.damage().size() > damageBefore) reported++;
        }
        System.out.printf("lab store fault injection: %d faults (%d on the index, %d on run journals, %d of them mid-file); "
                + "runs listed %d of %d; documents kept %d, lost %d (only documents whose bytes were touched); damage reports %d%n",
                faults, indexFaults, runFaults, midFile, runsListed, faults * runs.size(), docsKept, docsLost, reported);
    }
}
