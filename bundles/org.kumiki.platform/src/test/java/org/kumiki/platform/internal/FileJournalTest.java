package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.dto.JournalDamageDTO;

class FileJournalTest {

    static final ScheduledExecutorService TIMER = FileJournal.newTimer();

    @AfterAll
    static void stop() {
        TIMER.shutdownNow();
    }

    static Map<String, String> reopen(Path dir) throws IOException {
        Map<String, String> seen = new LinkedHashMap<>();
        FileJournal j = FileJournal.open(dir, (k, v) -> seen.put(k, new String(v, StandardCharsets.UTF_8)), TIMER, 20);
        j.close();
        return seen;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void latestValueWinsRemovalsStayRemovedOrderIsLastWrite(@TempDir Path dir) throws IOException {
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, TIMER, 20)) {
            j.put("a", b("1"));
            j.put("b", b("2"));
            j.put("c", b("3"));
            j.put("a", b("4"));
            j.remove("b");
            j.put("ü-ключ", b(""));
        }
        Map<String, String> seen = reopen(dir);
        assertEquals(List.of("c", "a", "ü-ключ"), new ArrayList<>(seen.keySet()));
        assertEquals("4", seen.get("a"));
        assertEquals("", seen.get("ü-ключ"));
    }

    @Test
    void syncedRecordsSurviveATornTailAndTheTailIsCut(@TempDir Path dir) throws IOException {
        FileJournal j = FileJournal.open(dir, (k, v) -> {}, null, 20);
        for (int i = 0; i < 100; i++) j.put("k" + i, b("value-" + i));
        j.sync();
        long good = Files.size(dir.resolve(FileJournal.FILE));
        j.close();
        // a crash in the middle of a frame: garbage length + partial body
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(FileJournal.FILE).toFile(), "rw")) {
            f.seek(good);
            f.writeInt(500);
            f.writeInt(12345);
            f.write(new byte[] {1, 0, 1, 'x'});
        }
        Map<String, String> seen = reopen(dir);
        assertEquals(100, seen.size());
        assertEquals("value-99", seen.get("k99"));
        assertEquals(good, Files.size(dir.resolve(FileJournal.FILE)), "torn tail truncated");
    }

    @Test
    void flushedRecordsAreInTheFileBeforeAnySyncAndUnflushedOnesAreNot(@TempDir Path dir) throws IOException {
        // no background timer: only flush() may write
        FileJournal j = FileJournal.open(dir, (k, v) -> {}, null, 20);
        try {
            j.put("a", b("1"));
            j.put("b", b("2"));
            assertEquals(0, Files.size(dir.resolve(FileJournal.FILE)), "appends stay buffered until flushed");
            j.flush();
            long flushed = Files.size(dir.resolve(FileJournal.FILE));
            assertTrue(flushed > 0, "flush hands the records to the OS");
            j.put("c", b("3"));
            // what a process killed now leaves behind: a copy of the file as it is
            Path copy = Files.createDirectories(dir.resolve("after-kill"));
            Files.copy(dir.resolve(FileJournal.FILE), copy.resolve(FileJournal.FILE));
            Map<String, String> seen = reopen(copy);
            assertEquals(Map.of("a", "1", "b", "2"), seen);
        } finally {
            j.close();
        }
        assertThrows(IOException.class, j::flush);
    }

    @Test
    void aFlippedByteEndsTheReplayThere(@TempDir Path dir) throws IOException {
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, null, 20)) {
            j.put("first", b("ok"));
            j.sync();
            j.put("second", b("will be corrupted"));
        }
        Path f = dir.resolve(FileJournal.FILE);
        byte[] all = Files.readAllBytes(f);
        all[all.length - 3] ^= 0x55;
        Files.write(f, all);
        Map<String, String> seen = reopen(dir);
        assertEquals(Map.of("first", "ok"), seen);
    }

    /** Writes k0..k(n-1) with value "value-i" (synced) and returns each frame's start offset, plus the file end. */
    static long[] writeNumbered(Path dir, int n) throws IOException {
        long[] starts = new long[n + 1];
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, null, 20)) {
            for (int i = 0; i < n; i++) {
                j.flush();
                starts[i] = Files.size(dir.resolve(FileJournal.FILE));
                j.put("k" + i, b("value-" + i));
            }
        }
        starts[n] = Files.size(dir.resolve(FileJournal.FILE));
        return starts;
    }

    static Map<String, String> reopen(Path dir, List<JournalDamageDTO> damage) throws IOException {
        Map<String, String> seen = new LinkedHashMap<>();
        FileJournal.open(dir, (k, v) -> seen.put(k, new String(v, StandardCharsets.UTF_8)), null, 20, damage::add).close();
        return seen;
    }

    @Test
    void aDamagedRecordMidFileCostsThatRecordOnlyAndTheFileIsKeptAsideThenRepaired(@TempDir Path dir) throws IOException {
        long[] at = writeNumbered(dir, 100);
        Path f = dir.resolve(FileJournal.FILE);
        byte[] all = Files.readAllBytes(f);
        // three bytes flipped inside record 50 (as in the scheduler journal of issue 18)
        for (int i = 0; i < 3; i++) all[(int) at[50] + 9 + i] ^= 0x5a;
        Files.write(f, all);

        List<JournalDamageDTO> damage = new ArrayList<>();
        Map<String, String> seen = reopen(dir, damage);
        assertEquals(99, seen.size(), "only the damaged record is lost");
        assertFalse(seen.containsKey("k50"));
        for (int i = 0; i < 100; i++) if (i != 50) assertEquals("value-" + i, seen.get("k" + i));

        assertEquals(1, damage.size());
        JournalDamageDTO d = damage.get(0);
        assertFalse(d.tornTail);
        assertFalse(d.readOnly);
        assertEquals(99, d.recordsKept);
        assertEquals(at[51] - at[50], d.droppedBytes);
        assertEquals(1, d.dropped.size());
        assertEquals(at[50], d.dropped.get(0).start);
        assertEquals(at[51], d.dropped.get(0).end);
        assertEquals(all.length, d.fileBytes);
        Path copy = Path.of(d.keptAside);
        assertEquals(dir, copy.getParent());
        assertTrue(copy.getFileName().toString().matches("journal\\.log\\.damaged-\\d{8}T\\d{6}\\.\\d{3}Z"), copy.toString());
        assertArrayEquals(all, Files.readAllBytes(copy), "the damaged file is kept as it was");
        String line = FileJournal.describe(d);
        assertTrue(line.contains("[" + at[50] + "," + at[51] + ")") && line.contains("99 records kept") && line.contains(d.keptAside), line);

        // the journal was rewritten to its good records: the next open finds nothing to report
        List<JournalDamageDTO> again = new ArrayList<>();
        assertEquals(seen, reopen(dir, again));
        assertTrue(again.isEmpty(), again.toString());
    }

    @Test
    void aZeroedRangeAcrossSeveralRecordsCostsThoseRecordsOnly(@TempDir Path dir) throws IOException {
        long[] at = writeNumbered(dir, 60);
        Path f = dir.resolve(FileJournal.FILE);
        byte[] all = Files.readAllBytes(f);
        // from the middle of record 10 to the middle of record 13
        Arrays.fill(all, (int) at[10] + 5, (int) at[13] + 5, (byte) 0);
        Files.write(f, all);
        List<JournalDamageDTO> damage = new ArrayList<>();
        Map<String, String> seen = reopen(dir, damage);
        assertEquals(56, seen.size());
        for (int i = 10; i <= 13; i++) assertFalse(seen.containsKey("k" + i));
        assertEquals(at[14] - at[10], damage.get(0).droppedBytes);
    }

    @Test
    void aTornTailIsCutWithoutACopyAndReported(@TempDir Path dir) throws IOException {
        long[] at = writeNumbered(dir, 10);
        Path f = dir.resolve(FileJournal.FILE);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(at[9] + 7);
        }
        List<JournalDamageDTO> damage = new ArrayList<>();
        assertEquals(9, reopen(dir, damage).size());
        assertEquals(at[9], Files.size(f));
        JournalDamageDTO d = damage.get(0);
        assertTrue(d.tornTail);
        assertNull(d.keptAside);
        assertEquals(7, d.droppedBytes);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("damaged")));
        }
    }

    @Test
    void aReadOnlyReplayNeverModifiesCreatesOrLocks(@TempDir Path dir) throws IOException {
        long[] at = writeNumbered(dir, 30);
        Path f = dir.resolve(FileJournal.FILE);
        byte[] all = Files.readAllBytes(f);
        all[(int) at[3] + 12] ^= 1;
        byte[] torn = Arrays.copyOf(all, all.length + 5); // plus an append in progress
        Files.write(f, torn);
        Files.delete(dir.resolve("journal.lock"));

        Map<String, String> seen = new LinkedHashMap<>();
        JournalDamageDTO d = FileJournal.readOnly(dir, (k, v) -> seen.put(k, new String(v, StandardCharsets.UTF_8)));
        assertEquals(29, seen.size());
        assertFalse(seen.containsKey("k3"));
        assertTrue(d.readOnly);
        assertNull(d.keptAside);
        assertEquals(at[4] - at[3], d.droppedBytes, "the tail in progress is not damage");
        assertArrayEquals(torn, Files.readAllBytes(f), "the file is unchanged");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no lock, copy or temporary file");
        }
        // a journal held open by its owner can be read
        try (FileJournal owner = FileJournal.open(dir, (k, v) -> {}, null, 20)) {
            owner.put("new", b("x"));
            owner.flush();
            Map<String, String> now = new LinkedHashMap<>();
            assertNull(FileJournal.readOnly(dir, (k, v) -> now.put(k, new String(v, StandardCharsets.UTF_8))));
            assertEquals("x", now.get("new"));
        }
        Path missing = dir.resolve("nothing-here");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileJournal.readOnly(missing, (k, v) -> {}));
        assertTrue(e.getMessage().contains("no journal"), e.getMessage());
        assertTrue(Files.notExists(missing));
    }

    @Test
    void theFactoryListsDamageAndReportsAReadOnlyFindingOnce(@TempDir Path dir) throws IOException {
        long[] at = writeNumbered(dir, 20);
        Path f = dir.resolve(FileJournal.FILE);
        byte[] all = Files.readAllBytes(f);
        all[(int) at[7] + 1] ^= 0x10; // in the length field
        Files.write(f, all);
        JournalFactoryComponent factory = JournalFactoryComponent.withInterval(20);
        try {
            Map<String, byte[]> first = new LinkedHashMap<>();
            factory.read(dir, first::put);
            factory.read(dir, (k, v) -> {});
            assertEquals(19, first.size());
            assertEquals(1, factory.damage().size(), "the same damage is reported once");
            assertTrue(factory.damage().get(0).readOnly);
            factory.open(dir, (k, v) -> {}).close();
            List<JournalDamageDTO> all2 = factory.damage();
            assertEquals(2, all2.size());
            assertNotNull(all2.get(1).keptAside);
            factory.read(dir, (k, v) -> {});
            assertEquals(2, factory.damage().size(), "a repaired journal reads clean");
        } finally {
            factory.deactivate();
        }
    }

    @Test
    void compactionKeepsExactlyTheLiveSetAndLaterAppends(@TempDir Path dir) throws IOException {
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, TIMER, 20)) {
            for (int i = 0; i < 1000; i++) j.put("k" + (i % 10), new byte[100]);
            j.sync();
            long before = j.sizeBytes();
            Map<String, byte[]> live = new LinkedHashMap<>();
            live.put("x", b("1"));
            live.put("y", b("2"));
            j.compact(live);
            assertTrue(j.sizeBytes() < before / 100, j.sizeBytes() + " vs " + before);
            j.put("z", b("3"));
        }
        assertEquals(Map.of("x", "1", "y", "2", "z", "3"), reopen(dir));
    }

    @Test
    void secondOpenOfTheSameFolderIsRefused(@TempDir Path dir) throws IOException {
        try (FileJournal j = FileJournal.open(dir, (k, v) -> {}, TIMER, 20)) {
            IOException e = assertThrows(IOException.class, () -> FileJournal.open(dir, (k, v) -> {}, TIMER, 20).close());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void rejectsOversizedKeysAndWritesAfterClose(@TempDir Path dir) throws IOException {
        FileJournal j = FileJournal.open(dir, (k, v) -> {}, TIMER, 20);
        assertThrows(IllegalArgumentException.class, () -> j.put("k".repeat(70_000), b("v")));
        j.close();
        assertThrows(IllegalStateException.class, () -> j.put("a", b("b")));
    }
}
