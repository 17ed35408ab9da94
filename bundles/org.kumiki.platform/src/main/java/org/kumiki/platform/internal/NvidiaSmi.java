package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.kumiki.platform.api.HardwareNamespace;
import org.kumiki.platform.api.dto.GpuDTO;

/** Reads the static GPU inventory from {@code nvidia-smi}. */
final class NvidiaSmi {

    static final String QUERY = "index,name,uuid,memory.total,driver_version";

    private NvidiaSmi() {}

    /**
     * Runs nvidia-smi. Returns empty when the tool is not installed; throws when it runs but
     * fails (driver not loaded, timeout), so callers can log the reason.
     */
    static Optional<String> run(String executable, long timeoutMs) throws IOException {
        // output to a file: no reader thread, no polling, and a hanging tool cannot block us
        Path out = Files.createTempFile("kumiki-nvidia-smi", ".csv");
        try {
            ProcessBuilder pb = new ProcessBuilder(executable, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
            pb.redirectErrorStream(true).redirectOutput(out.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException notInstalled) {
                return Optional.empty();
            }
            try {
                if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(executable + " did not answer within " + timeoutMs + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while waiting for " + executable, e);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(executable + " exited with " + p.exitValue() + ": " + firstLine(text));
            }
            return Optional.of(text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Parses {@code --query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits}.
     * Memory is reported in MiB.
     *
     * @throws IllegalArgumentException on a line that does not have the expected shape
     */
    static List<GpuDTO> parse(String csv) {
        List<GpuDTO> gpus = new ArrayList<>();
        int lineNo = 0;
        for (String line : csv.split("\\R")) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            if (f.length != 5) {
                throw new IllegalArgumentException("nvidia-smi line " + lineNo + ": expected 5 fields, got " + f.length + ": " + line);
            }
            GpuDTO g = new GpuDTO();
            g.vendor = HardwareNamespace.VENDOR_NVIDIA;
            try {
                g.index = Integer.parseInt(f[0].trim());
                g.memoryBytes = mibToBytes(f[3].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("nvidia-smi line " + lineNo + ": not a number: " + line, e);
            }
            g.model = f[1].trim();
            g.uuid = f[2].trim();
            g.driverVersion = f[4].trim();
            gpus.add(g);
        }
        return gpus;
    }

    private static long mibToBytes(String s) {
        if (s.startsWith("[")) return -1; // "[N/A]" or "[Not Supported]"
        return Math.round(Double.parseDouble(s) * 1024 * 1024);
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).trim();
    }
}
