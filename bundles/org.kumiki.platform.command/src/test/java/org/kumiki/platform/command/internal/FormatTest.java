package org.kumiki.platform.command.internal;

import org.kumiki.platform.text.TextTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.dto.ByteRangeDTO;
import org.kumiki.platform.api.dto.GpuSampleDTO;
import org.kumiki.platform.api.dto.JournalDamageDTO;

class FormatTest {

    @Test
    void domainsComeFromTheSecondNameSegment() {
        assertEquals("platform", Format.domainOf("org.kumiki.platform.command"));
        assertEquals("scheduler", Format.domainOf("org.kumiki.scheduler"));
        assertEquals("data", Format.domainOf("org.kumiki.data.api.TransferService"));
        assertNull(Format.domainOf("org.apache.felix.scr"));
        assertNull(Format.domainOf("org.kumiki."));
        assertNull(Format.domainOf(null));
    }

    @Test
    void bytesAreHumanReadable() {
        assertEquals("unknown", Format.bytes(-1));
        assertEquals("512 B", Format.bytes(512));
        assertEquals("1.5 KiB", Format.bytes(1536));
        assertEquals("80.0 GiB", Format.bytes(80L << 30));
    }

    @Test
    void tablesAlignColumnsAndRejectRaggedRows() {
        TextTable t = new TextTable("A", "LONGER").row("x", 1).row("yyyy", null);
        assertEquals("A     LONGER\nx     1\nyyyy\n", t.toString());
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
    }

    @Test
    void samplesShowMissingReadingsAsNa() {
        GpuSampleDTO s = new GpuSampleDTO();
        s.index = 0;
        s.utilizationPercent = -1;
        s.memoryUsedBytes = 1L << 30;
        s.memoryTotalBytes = 80L << 30;
        s.temperatureC = 40;
        s.powerW = -1;
        String text = Format.samples(List.of(s));
        assertTrue(text.contains("n/a"), text);
        assertTrue(text.contains("1.0 GiB"), text);
        assertTrue(text.contains("40 C"), text);
    }

    @Test
    void journalDamageShowsWhatWasDroppedWhereAndTheCopy() {
        assertEquals("Journal damage since start: none\n", Format.journalDamage(List.of()));
        JournalDamageDTO mid = new JournalDamageDTO();
        mid.file = "/srv/state/scheduler/journal.log";
        mid.time = 0;
        mid.dropped = List.of(range(120, 155), range(900, 1000));
        mid.droppedBytes = 135;
        mid.recordsKept = 99;
        mid.keptAside = "/srv/state/scheduler/journal.log.damaged-19700101T000000.000Z";
        JournalDamageDTO tail = new JournalDamageDTO();
        tail.file = "/srv/state/lab/index/journal.log\u001b[2J";
        tail.time = 1000;
        tail.dropped = List.of(range(10, 17));
        tail.droppedBytes = 7;
        tail.tornTail = true;
        String s = Format.journalDamage(List.of(mid, tail));
        assertTrue(s.startsWith("Journal damage since start: 2\n"), s);
        assertTrue(s.contains("1970-01-01 00:00:00Z"), s);
        assertTrue(s.contains("135 B at [120,155),[900,1000)"), s);
        assertTrue(s.contains("damaged file kept as " + mid.keptAside), s);
        assertTrue(s.contains("torn tail cut"), s);
        assertTrue(!s.contains("\u001b"), "no escape sequence reaches the terminal: " + s);
    }

    static ByteRangeDTO range(long start, long end) {
        ByteRangeDTO r = new ByteRangeDTO();
        r.start = start;
        r.end = end;
        return r;
    }

    @Test
    void httpLineNamesThePortPropertyWhenTheServerIsDown() {
        org.junit.jupiter.api.Assertions.assertEquals("HTTP service: up at http://127.0.0.1:8080/",
                Format.http(true, java.util.List.of("http://127.0.0.1:8080/"), "127.0.0.1", "8080"));
        String down = Format.http(true, java.util.List.of(), "127.0.0.1", "8080");
        org.junit.jupiter.api.Assertions.assertTrue(down.startsWith("HTTP service: DOWN on 127.0.0.1:8080") && down.contains("org.osgi.service.http.port"), down);
        org.junit.jupiter.api.Assertions.assertTrue(Format.http(false, java.util.List.of(), null, null).startsWith("HTTP service: none"));
    }

    @Test
    void httpLineSaysStartingWhileTheServersStartLevelIsPending() {
        org.junit.jupiter.api.Assertions.assertEquals("HTTP service: starting on 127.0.0.1:8081 (servers start right after start-up)",
                Format.http(false, true, java.util.List.of(), "127.0.0.1", "8081"));
        org.junit.jupiter.api.Assertions.assertEquals("HTTP service: up at http://127.0.0.1:8081/",
                Format.http(true, true, java.util.List.of("http://127.0.0.1:8081/"), "127.0.0.1", "8081"));
    }
}
