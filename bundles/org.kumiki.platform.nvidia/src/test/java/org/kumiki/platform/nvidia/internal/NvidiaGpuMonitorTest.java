package org.kumiki.platform.nvidia.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.dto.GpuSampleDTO;

/**
 * Contract test: no NVIDIA GPU is available to CI, so the parser is checked against the
 * documented nvidia-smi CSV shape and the process handling against small executables.
 */
class NvidiaGpuMonitorTest {

    static NvidiaGpuMonitor monitor(String exe, long timeout) {
        return new NvidiaGpuMonitor(new NvidiaGpuMonitor.Config() {
            @Override public Class<? extends Annotation> annotationType() { return NvidiaGpuMonitor.Config.class; }
            @Override public String nvidia_smi() { return exe; }
            @Override public long timeout_ms() { return timeout; }
        });
    }

    @Test
    void parsesSamples() {
        List<GpuSampleDTO> s = NvidiaGpuMonitor.parse("0, GPU-aaa, 87, 40960, 81559, 61, 312.45\n1, GPU-bbb, [N/A], 0, 81559, 35, [N/A]\n", 42);
        assertEquals(2, s.size());
        assertEquals(87, s.get(0).utilizationPercent);
        assertEquals(40960L << 20, s.get(0).memoryUsedBytes);
        assertEquals(312.45, s.get(0).powerW, 1e-9);
        assertEquals(-1, s.get(1).utilizationPercent);
        assertEquals(-1, s.get(1).powerW, 1e-9);
        assertEquals(42, s.get(1).timestamp);
    }

    @Test
    void rejectsMalformedAnswers() {
        assertThrows(IllegalStateException.class, () -> NvidiaGpuMonitor.parse("0, GPU-a, 1, 2\n", 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NvidiaGpuMonitor.parse("x, GPU-a, 1, 2, 3, 4, 5\n", 0));
        assertTrue(e.getMessage().contains("line 1"));
    }

    @Test
    void runsTheExecutableAndReportsItsFailures(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("smi-ok");
        Files.writeString(ok, "#!/bin/sh\necho '0, GPU-x, 5, 100, 200, 40, 70.5'\n");
        ok.toFile().setExecutable(true);
        assertEquals(100L << 20, monitor(ok.toString(), 5000).sample().get(0).memoryUsedBytes);

        Path bad = dir.resolve("smi-bad");
        Files.writeString(bad, "#!/bin/sh\necho 'No devices were found'\nexit 6\n");
        bad.toFile().setExecutable(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> monitor(bad.toString(), 5000).sample());
        assertTrue(e.getMessage().contains("exited with 6") && e.getMessage().contains("No devices"), e.getMessage());

        Path slow = dir.resolve("smi-slow");
        Files.writeString(slow, "#!/bin/sh\nexec sleep 30\n");
        slow.toFile().setExecutable(true);
        assertTrue(assertThrows(IllegalStateException.class, () -> monitor(slow.toString(), 200).sample()).getMessage().contains("did not answer"));

        assertThrows(java.io.UncheckedIOException.class, () -> monitor(dir.resolve("missing").toString(), 200).sample());
    }
}
