package org.kumiki.platform.command.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.dto.GpuDTO;
import org.kumiki.platform.api.dto.GpuSampleDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;

/** Rendering helpers shared by the commands. */
final class Format {
    private Format() {}

    static String bytes(long b) {
        return Text.bytes(b, "unknown");
    }


    /** Domain of a Kumiki bundle or type name: org.kumiki.&lt;domain&gt;..., else null. */
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
