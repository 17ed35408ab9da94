package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
