package org.kumiki.platform.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
        ProcessBuilder pb = new ProcessBuilder(executable, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            byte[] buf = new byte[4096];
            // nvidia-smi output is small; read until EOF or deadline
            while (System.nanoTime() < deadline) {
                if (in.available() > 0 || !p.isAlive()) {
                    int n = in.read(buf);
                    if (n < 0) break;
                    out.write(buf, 0, n);
                } else {
                    Thread.sleep(5);
                }
            }
            if (!p.waitFor(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(executable + " did not answer within " + timeoutMs + " ms");
            }
            String text = out.toString(StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(executable + " exited with " + p.exitValue() + ": " + firstLine(text));
            }
            return Optional.of(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while waiting for " + executable, e);
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
