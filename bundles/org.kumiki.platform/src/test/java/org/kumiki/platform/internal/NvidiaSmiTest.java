package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.dto.GpuDTO;

class NvidiaSmiTest {

    // Output shape recorded from nvidia-smi 550 on a 2x H100 node.
    static final String TWO_H100 = "0, NVIDIA H100 80GB HBM3, GPU-5f1c8a3e-0d6b-4c64-9f55-1a2b3c4d5e6f, 81559, 550.54.15\n"
            + "1, NVIDIA H100 80GB HBM3, GPU-7a2d9b4f-1e7c-4d75-8a66-2b3c4d5e6f70, 81559, 550.54.15\n";

    @Test
    void parsesTwoGpus() {
        List<GpuDTO> gpus = NvidiaSmi.parse(TWO_H100);
        assertEquals(2, gpus.size());
        assertEquals(1, gpus.get(1).index);
        assertEquals("NVIDIA H100 80GB HBM3", gpus.get(0).model);
        assertEquals(81559L * 1024 * 1024, gpus.get(0).memoryBytes);
        assertEquals("550.54.15", gpus.get(0).driverVersion);
        assertEquals("nvidia", gpus.get(0).vendor);
    }

    @Test
    void notSupportedMemoryIsMinusOne() {
        List<GpuDTO> gpus = NvidiaSmi.parse("0, Tesla X, GPU-1, [N/A], 470.1\n");
        assertEquals(-1, gpus.get(0).memoryBytes);
    }

    @Test
    void rejectsMalformedLinesWithTheirNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmi.parse(TWO_H100 + "garbage line\n"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmi.parse("zero, X, GPU-1, 100, 1\n"));
        assertTrue(n.getMessage().contains("not a number"), n.getMessage());
    }

    @Test
    void emptyOutputMeansNoGpu() {
        assertTrue(NvidiaSmi.parse("\n").isEmpty());
    }

    @Test
    void missingExecutableIsAbsentNotAnError() throws IOException {
        assertEquals(Optional.empty(), NvidiaSmi.run("/nonexistent/nvidia-smi", 1000));
    }

    @Test
    void failingExecutableIsAnError(@TempDir Path dir) throws IOException {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9\n");
        smi.toFile().setExecutable(true);
        IOException e = assertThrows(IOException.class, () -> NvidiaSmi.run(smi.toString(), 5000));
        assertTrue(e.getMessage().contains("exited with 9"), e.getMessage());
        assertTrue(e.getMessage().contains("could not communicate"), e.getMessage());
    }

    @Test
    void hangingExecutableTimesOut(@TempDir Path dir) throws IOException {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nexec sleep 30\n");
        smi.toFile().setExecutable(true);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> NvidiaSmi.run(smi.toString(), 300));
        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "timeout not enforced");
    }
}
