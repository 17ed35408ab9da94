package org.kumiki.platform.command.internal;

import org.kumiki.platform.text.TextTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.dto.GpuSampleDTO;

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
}
