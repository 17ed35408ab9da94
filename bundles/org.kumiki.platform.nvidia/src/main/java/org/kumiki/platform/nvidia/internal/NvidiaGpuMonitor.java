package org.kumiki.platform.nvidia.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kumiki.platform.api.GpuMonitor;
import org.kumiki.platform.api.HardwareNamespace;
import org.kumiki.platform.api.dto.GpuSampleDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Samples NVIDIA GPUs with {@code nvidia-smi --query-gpu}. */
@Component(configurationPid = NvidiaGpuMonitor.PID, property = "gpu.vendor=nvidia")
@Designate(ocd = NvidiaGpuMonitor.Config.class)
public class NvidiaGpuMonitor implements GpuMonitor {

    public static final String PID = "org.kumiki.platform.nvidia";
    static final String QUERY = "index,uuid,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw";

    @ObjectClassDefinition(name = "Kumiki NVIDIA GPU monitor")
    public @interface Config {
        @AttributeDefinition(name = "nvidia-smi", description = "Path or name of the nvidia-smi executable")
        String nvidia_smi() default "nvidia-smi";

        @AttributeDefinition(name = "Timeout (ms)", min = "100")
        long timeout_ms() default 5000;
    }

    private final String executable;
    private final long timeoutMs;

    @Activate
    public NvidiaGpuMonitor(Config config) {
        this.executable = config.nvidia_smi();
        this.timeoutMs = config.timeout_ms();
    }

    @Override
    public String vendor() {
        return HardwareNamespace.VENDOR_NVIDIA;
    }

    @Override
    public List<GpuSampleDTO> sample() {
        long now = System.currentTimeMillis();
        return parse(query(), now);
    }

    private String query() {
        ProcessBuilder pb = new ProcessBuilder(executable, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // process killed
                }
            }, "nvidia-smi-reader");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(executable + " did not answer within " + timeoutMs + " ms");
            }
            reader.join(1000);
            String text = out.toString(StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(executable + " exited with " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sampling GPUs", e);
        }
    }

    /** Parses the CSV answer of {@link #QUERY} (MiB, percent, Celsius, watts; "[N/A]" becomes -1). */
    static List<GpuSampleDTO> parse(String csv, long timestamp) {
        List<GpuSampleDTO> samples = new ArrayList<>();
        int lineNo = 0;
        for (String line : csv.split("\\R")) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            if (f.length != 7) {
                throw new IllegalStateException("nvidia-smi line " + lineNo + ": expected 7 fields, got " + f.length + ": " + line);
            }
            try {
                GpuSampleDTO s = new GpuSampleDTO();
                s.index = Integer.parseInt(f[0].trim());
                s.uuid = f[1].trim();
                s.utilizationPercent = (int) number(f[2], 1);
                s.memoryUsedBytes = (long) number(f[3], 1024 * 1024);
                s.memoryTotalBytes = (long) number(f[4], 1024 * 1024);
                s.temperatureC = (int) number(f[5], 1);
                s.powerW = number(f[6], 1);
                s.timestamp = timestamp;
                samples.add(s);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("nvidia-smi line " + lineNo + ": not a number: " + line, e);
            }
        }
        return samples;
    }

    private static double number(String field, double scale) {
        String s = field.trim();
        if (s.startsWith("[") || s.equalsIgnoreCase("N/A")) return -1;
        return Double.parseDouble(s) * scale;
    }
}
