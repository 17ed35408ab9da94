package org.kumiki.platform.command.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.dto.ByteRangeDTO;
import org.kumiki.platform.api.dto.GpuDTO;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.dto.GpuSampleDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;

/** Rendering helpers shared by the commands. */
final class Format {
    private Format() {}

    static String bytes(long b) {
        return Text.bytes(b, "unknown");
    }


    private static final java.time.format.DateTimeFormatter UTC = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /** The journal damage replays found since start: a heading line and a table (or "none"). */
    static String journalDamage(List<JournalDamageDTO> damage) {
        if (damage.isEmpty()) return "Journal damage since start: none\n";
        TextTable t = new TextTable("FOUND", "JOURNAL", "DROPPED", "RECORDS KEPT", "NOTE");
        for (JournalDamageDTO d : damage) {
            StringBuilder ranges = new StringBuilder(bytes(d.droppedBytes)).append(" at ");
            List<ByteRangeDTO> dropped = d.dropped == null ? List.of() : d.dropped;
            for (int i = 0; i < dropped.size(); i++) {
                if (i == 3) {
                    ranges.append(",... (").append(dropped.size()).append(" ranges)");
                    break;
                }
                if (i > 0) ranges.append(',');
                ranges.append('[').append(dropped.get(i).start).append(',').append(dropped.get(i).end).append(')');
            }
            String note = d.tornTail ? "torn tail cut"
                    : d.keptAside != null ? "damaged file kept as " + d.keptAside
                    : d.readOnly ? "found by a read-only replay; file left as it is" : "";
            t.row(UTC.format(java.time.Instant.ofEpochMilli(d.time)), Text.oneLine(d.file), ranges, d.recordsKept, Text.oneLine(note));
        }
        return "Journal damage since start: " + damage.size() + "\n" + t;
    }

    /** Domain of a Kumiki bundle or type name: org.kumiki.&lt;domain&gt;..., else null. */
    /** The HTTP line of kumiki:status: up with its endpoints, down with the property that moves the port, or absent. */
    static String http(boolean installed, List<String> endpoints, String host, String port) {
        return http(installed, false, endpoints, host, port);
    }

    /** As above; {@code starting}: the HTTP bundle waits for its start level, raised right after start-up. */
    static String http(boolean installed, boolean starting, List<String> endpoints, String host, String port) {
        if (!endpoints.isEmpty()) return "HTTP service: up at " + String.join(" ", endpoints);
        String where = (host == null || host.isEmpty() ? "0.0.0.0" : host) + ":" + (port == null ? "8080" : port);
        if (!installed && starting) return "HTTP service: starting on " + where + " (servers start right after start-up)";
        if (!installed) return "HTTP service: none (no HTTP bundle in this site)";
        return "HTTP service: DOWN on " + where + " (port in use? see the log); move it with org.osgi.service.http.port, e.g. -Dorg.osgi.service.http.port=8081";
    }

    static String domainOf(String name) {
        if (name == null || !name.startsWith("org.kumiki.")) return null;
        String rest = name.substring("org.kumiki.".length());
        int dot = rest.indexOf('.');
        String d = dot < 0 ? rest : rest.substring(0, dot);
        return d.isEmpty() ? null : d;
    }

    static String hardware(HardwareProfile hw) {
        StringBuilder sb = new StringBuilder();
        TextTable t = new TextTable("PROPERTY", "VALUE");
        t.row("site", hw.siteName());
        t.row("arch", hw.arch() + " (" + hw.os() + ")");
        t.row("cpu cores", hw.cpuCores());
        t.row("memory", bytes(hw.memoryBytes()));
        t.row("gpus", hw.gpus().isEmpty() ? "none" : String.valueOf(hw.gpus().size()));
        t.row("declared", hw.declared().isEmpty() ? "nothing (no kumiki.hardware capability)" : attrs(hw.declared()));
        t.row("mismatches", hw.mismatches().isEmpty() ? "none" : String.join("; ", hw.mismatches()));
        sb.append(t);
        if (!hw.gpus().isEmpty()) {
            TextTable g = new TextTable("GPU", "MODEL", "MEMORY", "UUID", "DRIVER");
            for (GpuDTO gpu : hw.gpus()) g.row(gpu.index, gpu.model, bytes(gpu.memoryBytes), gpu.uuid, gpu.driverVersion);
            sb.append('\n').append(g);
        }
        return sb.toString();
    }

    static String attrs(Map<String, Object> m) {
        return new TreeMap<>(m).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    static String samples(Iterable<GpuSampleDTO> samples) {
        TextTable t = new TextTable("GPU", "UTIL", "MEMORY USED", "MEMORY TOTAL", "TEMP", "POWER");
        for (GpuSampleDTO s : samples) {
            t.row(s.index, s.utilizationPercent < 0 ? "n/a" : s.utilizationPercent + "%", bytes(s.memoryUsedBytes), bytes(s.memoryTotalBytes),
                    s.temperatureC < 0 ? "n/a" : s.temperatureC + " C", s.powerW < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f W", s.powerW));
        }
        return t.toString();
    }
}
