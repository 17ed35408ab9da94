package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.dto.JournalDamageDTO;

/**
 * Seeded fault injection on the journal format: a realistic journal (puts, overwrites, removes,
 * values from 0 bytes to 12 KB) is damaged many ways at many offsets (bytes flipped, a range
 * zeroed, the file truncated, several places at once), reopened, and every record whose frame
 * bytes were not touched must come back with its latest untouched value; nothing else may be
 * lost, and the damage must be reported exactly.
 */
class FileJournalFaultInjectionTest {

    /** One append as written: its frame's byte range and what it did. */
    record Op(String key, byte[] value, long start, long end) {
        boolean removal() {
            return value == null;
        }
    }

    static final int TRIALS = 600;

    @Test
    void everyUntouchedRecordSurvivesEveryFault(@TempDir Path tmp) throws IOException {
        Path base = tmp.resolve("base");
        List<Op> ops = writeRealisticJournal(base, new Random(18));
        byte[] original = Files.readAllBytes(base.resolve(FileJournal.FILE));
        assertEquals(ops.get(ops.size() - 1).end, original.length);

        String[] kinds = {"1-3 flipped bytes", "zeroed range", "truncation", "2-7 scattered flips"};
        long[] kindFaults = new long[4], kindLost = new long[4];
        long faults = 0, framesTouched = 0, framesKept = 0, keysReverted = 0, keysLost = 0, midFile = 0, tails = 0;
        Map<String, byte[]> intact = expected(ops, new boolean[ops.size()]);
        for (int trial = 0; trial < TRIALS; trial++) {
            Random rnd = new Random(1_000 + trial);
            Fault injected = inject(rnd, original.clone(), trial % 4);
            byte[] data = injected.data();
            String fault = "trial " + trial + ": " + injected.what();
            faults++;
            kindFaults[trial % 4]++;
            long fileEnd = data.length;
            // the bytes the fault really changed (zeroes written over zeroes change nothing), and a truncation's cut
            List<long[]> touched = new ArrayList<>();
            for (int i = 0; i < data.length; i++) {
                if (data[i] == original[i]) continue;
                long[] last = touched.isEmpty() ? null : touched.get(touched.size() - 1);
                if (last != null && last[1] == i) last[1] = i + 1;
                else touched.add(new long[] {i, i + 1});
            }
            if (data.length < original.length) touched.add(new long[] {data.length, original.length});

            boolean[] hit = new boolean[ops.size()];
            List<long[]> lostRanges = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                for (long[] t : touched) {
                    if (t[0] < op.end && op.start < t[1]) hit[i] = true;
                }
                if (hit[i]) {
                    framesTouched++;
                    kindLost[trial % 4]++;
                    long s = op.start, e = Math.min(op.end, fileEnd);
                    if (s >= e) continue;
                    if (!lostRanges.isEmpty() && lostRanges.get(lostRanges.size() - 1)[1] == s) lostRanges.get(lostRanges.size() - 1)[1] = e;
                    else lostRanges.add(new long[] {s, e});
                }
            }
            Map<String, byte[]> want = expected(ops, hit);

            Path dir = tmp.resolve("t" + trial);
            Files.createDirectories(dir);
            Path file = dir.resolve(FileJournal.FILE);
            Files.write(file, data);

            // a read-only replay sees the same records and changes nothing
            Map<String, byte[]> ro = new LinkedHashMap<>();
            FileJournal.readOnly(dir, ro::put);
            assertSame(want, ro, fault + " (read only)");
            assertArrayEquals(data, Files.readAllBytes(file), fault + ": the read-only replay modified the file");

            List<JournalDamageDTO> damage = new ArrayList<>();
            Map<String, byte[]> got = new LinkedHashMap<>();
            FileJournal.open(dir, got::put, null, 20, damage::add).close();
            assertSame(want, got, fault);

            long kept = 0;
            for (boolean h : hit) if (!h) kept++;
            framesKept += kept;
            if (lostRanges.isEmpty()) {
                assertTrue(damage.isEmpty(), fault + ": reported " + damage);
            } else {
                assertEquals(1, damage.size(), fault);
                JournalDamageDTO d = damage.get(0);
                List<String> dropped = new ArrayList<>();
                d.dropped.forEach(r -> dropped.add(r.start + "-" + r.end));
                List<String> lost = new ArrayList<>();
                lostRanges.forEach(r -> lost.add(r[0] + "-" + r[1]));
                assertEquals(lost, dropped, fault + ": dropped ranges are exactly the touched frames");
                assertEquals(kept, d.recordsKept, fault);
                boolean tail = lostRanges.size() == 1 && lostRanges.get(0)[1] == fileEnd;
                assertEquals(tail, d.tornTail, fault);
                if (tail) {
                    tails++;
                    assertNull(d.keptAside, fault);
                } else {
                    midFile++;
                    assertNotNull(d.keptAside, fault);
                    assertArrayEquals(data, Files.readAllBytes(Path.of(d.keptAside)), fault + ": the copy kept aside");
                }
                // repaired: the next open replays the same and reports nothing
                List<JournalDamageDTO> again = new ArrayList<>();
                Map<String, byte[]> second = new LinkedHashMap<>();
                FileJournal.open(dir, second::put, null, 20, again::add).close();
                assertSame(want, second, fault + " (after repair)");
                assertTrue(again.isEmpty(), fault + ": reported again " + again);
            }
            for (Map.Entry<String, byte[]> e : intact.entrySet()) {
                byte[] v = got.get(e.getKey());
                if (v == null) keysLost++;
                else if (!Arrays.equals(v, e.getValue())) keysReverted++;
            }
            deleteTree(dir);
        }
        System.out.printf("journal fault injection: %d faults (%d mid-file, %d torn tails) on a %d-byte journal of %d records "
                + "(%d live keys); frames kept %d, frames lost %d (all of them touched by a fault, none other); "
                + "live keys lost %d, reverted to an earlier value %d%n",
                faults, midFile, tails, original.length, ops.size(), intact.size(), framesKept, framesTouched, keysLost, keysReverted);
        for (int k = 0; k < 4; k++) {
            System.out.printf("  %s: %d faults, %d frames lost (%.1f per fault)%n", kinds[k], kindFaults[k], kindLost[k], (double) kindLost[k] / kindFaults[k]);
        }
        assertTrue(midFile > TRIALS / 2, "most faults are mid-file: " + midFile);
    }

    record Fault(String what, byte[] data) {
    }

    /** Applies the faults of one trial to {@code data}. */
    static Fault inject(Random rnd, byte[] data, int kind) {
        int n = data.length;
        switch (kind) {
            case 0: { // flip 1-3 bytes near one offset
                int at = rnd.nextInt(n);
                int count = 1 + rnd.nextInt(3);
                StringBuilder sb = new StringBuilder("flip");
                for (int i = 0; i < count; i++) {
                    int p = Math.min(n - 1, at + rnd.nextInt(16));
                    data[p] ^= (byte) (1 + rnd.nextInt(255));
                    sb.append(' ').append(p);
                }
                return new Fault(sb.toString(), data);
            }
            case 1: { // zero a range of 1..4096 bytes
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(4096, n - at));
                Arrays.fill(data, at, at + len, (byte) 0);
                return new Fault("zero " + at + "+" + len, data);
            }
            case 2: { // truncate
                int at = rnd.nextInt(n);
                return new Fault("truncate " + at, Arrays.copyOf(data, at));
            }
            default: { // several flips all over the file
                int count = 2 + rnd.nextInt(6);
                StringBuilder sb = new StringBuilder("scatter");
                for (int i = 0; i < count; i++) {
                    int p = rnd.nextInt(n);
                    data[p] ^= (byte) (1 + rnd.nextInt(255));
                    sb.append(' ').append(p);
                }
                return new Fault(sb.toString(), data);
            }
        }
    }

    private static Map<String, byte[]> expected(List<Op> ops, boolean[] hit) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            if (hit[i]) continue;
            Op op = ops.get(i);
            m.remove(op.key);
            if (!op.removal()) m.put(op.key, op.value);
        }
        return m;
    }

    private static void assertSame(Map<String, byte[]> want, Map<String, byte[]> got, String fault) {
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), fault + ": keys in write order");
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            assertArrayEquals(e.getValue(), got.get(e.getKey()), fault + ": value of " + e.getKey());
        }
    }

    /** 500 appends over 80 keys: puts of 0 B to 12 KB, overwrites and removes; returns each frame's range. */
    static List<Op> writeRealisticJournal(Path dir, Random rnd) throws IOException {
        List<Op> ops = new ArrayList<>();
        long pos = 0;
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, null, 20)) {
            for (int i = 0; i < 500; i++) {
                String key = (i % 3 == 0 ? "task-" : "transfer/é-") + rnd.nextInt(80);
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(8) == 0) {
                    j.remove(key);
                    long end = pos + 8 + 3 + k.length;
                    ops.add(new Op(key, null, pos, end));
                    pos = end;
                } else {
                    int size = switch (rnd.nextInt(20)) {
                        case 0, 1 -> 0;
                        case 2 -> 4_000 + rnd.nextInt(8_000);
                        case 3, 4, 5, 6 -> 1_000 + rnd.nextInt(2_000);
                        default -> 20 + rnd.nextInt(300);
                    };
                    byte[] v = new byte[size];
                    if (rnd.nextBoolean()) rnd.nextBytes(v); // binary
                    else for (int b = 0; b < size; b++) v[b] = (byte) ('a' + rnd.nextInt(26)); // text-like
                    j.put(key, v);
                    long end = pos + 8 + 3 + k.length + size;
                    ops.add(new Op(key, v, pos, end));
                    pos = end;
                }
                if (i % 50 == 0) j.sync();
            }
        }
        return ops;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(p);
        }
    }
}
