package org.kumiki.platform.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.management.ObjectName;

import org.kumiki.platform.api.HardwareNamespace;
import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.dto.GpuDTO;
import org.kumiki.platform.api.dto.HardwareDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Detects this node's hardware once at activation (a new configuration re-activates it). */
@Component(configurationPid = HardwareProfileComponent.PID, immediate = true) // detect and warn at boot
@Designate(ocd = HardwareProfileComponent.Config.class)
public class HardwareProfileComponent implements HardwareProfile {

    public static final String PID = "org.kumiki.platform.hardware";
    private static final Logger LOG = LoggerFactory.getLogger(HardwareProfileComponent.class);

    @ObjectClassDefinition(name = "Kumiki hardware profile", description = "Detection of this node's CPU, memory and GPUs")
    public @interface Config {
        @AttributeDefinition(name = "Site name", description = "Name of this site; empty means the framework property kumiki.site, then the host name")
        String site_name() default "";

        @AttributeDefinition(name = "nvidia-smi", description = "Path or name of the nvidia-smi executable; empty disables GPU detection")
        String nvidia_smi() default "nvidia-smi";

        @AttributeDefinition(name = "nvidia-smi timeout (ms)", min = "100")
        long nvidia_smi_timeout_ms() default 5000;
    }

    private final String site;
    private final String arch;
    private final String os;
    private final int cores;
    private final long memory;
    private final List<GpuDTO> gpus;
    private final Map<String, Object> declared;
    private final List<String> mismatches;

    @Activate
    public HardwareProfileComponent(BundleContext context, Config config) {
        this(config, declaredBy(context), context.getProperty("kumiki.site"));
    }

    HardwareProfileComponent(Config config, Map<String, Object> declared, String siteProperty) {
        this.arch = normaliseArch(System.getProperty("os.arch"));
        this.os = System.getProperty("os.name");
        this.cores = Runtime.getRuntime().availableProcessors();
        this.memory = detectMemory();
        this.gpus = Collections.unmodifiableList(detectGpus(config.nvidia_smi(), config.nvidia_smi_timeout_ms()));
        this.declared = Collections.unmodifiableMap(declared);
        this.site = chooseSite(config.site_name(), siteProperty, declared);
        this.mismatches = Collections.unmodifiableList(compare(declared, arch, gpus));
        for (String m : mismatches) {
            LOG.warn("Site declares hardware this node does not have: {}", m);
        }
        LOG.info("Hardware: site={} arch={} cores={} memory={} MiB gpus={}", site, arch, cores, memory >> 20, gpus.size());
    }

    static String normaliseArch(String jvmArch) {
        String a = jvmArch == null ? "" : jvmArch.toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64":
            case "x86_64":
            case "x86-64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return a;
        }
    }

    static String chooseSite(String configured, String property, Map<String, Object> declared) {
        if (configured != null && !configured.isBlank()) return configured.trim();
        if (property != null && !property.isBlank()) return property.trim();
        Object d = declared.get(HardwareNamespace.SITE);
        if (d != null && !d.toString().isBlank()) return d.toString();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Attributes of the framework's own kumiki.hardware capabilities (from -runsystemcapabilities). */
    static Map<String, Object> declaredBy(BundleContext context) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        BundleRevision fw = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(BundleRevision.class);
        if (fw != null) {
            for (BundleCapability c : fw.getDeclaredCapabilities(HardwareNamespace.NAMESPACE)) {
                attrs.putAll(c.getAttributes());
            }
        }
        return attrs;
    }

    static List<String> compare(Map<String, Object> declared, String arch, List<GpuDTO> gpus) {
        List<String> out = new ArrayList<>();
        Object dArch = declared.get(HardwareNamespace.ARCH);
        if (dArch != null && !normaliseArch(dArch.toString()).equals(arch)) {
            out.add("arch: declared " + dArch + ", detected " + arch);
        }
        Object vendor = declared.get(HardwareNamespace.GPU_VENDOR);
        if (vendor != null && !HardwareNamespace.VENDOR_NONE.equals(vendor.toString())) {
            long found = gpus.stream().filter(g -> vendor.toString().equals(g.vendor)).count();
            if (found == 0) out.add("gpu.vendor: declared " + vendor + ", detected no " + vendor + " GPU");
        }
        Object count = declared.get(HardwareNamespace.GPU_COUNT);
        if (count != null) {
            try {
                long want = Long.parseLong(count.toString());
                if (want != gpus.size()) out.add("gpu.count: declared " + want + ", detected " + gpus.size());
            } catch (NumberFormatException e) {
                out.add("gpu.count: declared value is not a number: " + count);
            }
        }
        return out;
    }

    private static long detectMemory() {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            try {
                for (String line : Files.readAllLines(meminfo)) {
                    if (line.startsWith("MemTotal:")) {
                        String[] f = line.substring(9).trim().split("\\s+");
                        return Long.parseLong(f[0]) * 1024L;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot read /proc/meminfo", e);
            }
        }
        // elsewhere ask the platform MBean (through JMX, so no com.sun.* import is needed)
        try {
            Object total = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "TotalMemorySize");
            return total instanceof Number ? ((Number) total).longValue() : -1;
        } catch (Exception e) {
            LOG.debug("cannot read total memory from JMX", e);
            return -1;
        }
    }

    private static List<GpuDTO> detectGpus(String smi, long timeoutMs) {
        if (smi == null || smi.isBlank()) return List.of();
        try {
            Optional<String> out = NvidiaSmi.run(smi, timeoutMs);
            return out.map(NvidiaSmi::parse).orElse(List.of());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("GPU detection failed, reporting no GPU: {}", e.getMessage());
            return List.of();
        }
    }

    @Override public String arch() { return arch; }
    @Override public String os() { return os; }
    @Override public int cpuCores() { return cores; }
    @Override public long memoryBytes() { return memory; }
    @Override public List<GpuDTO> gpus() { return gpus; }
    @Override public String siteName() { return site; }
    @Override public Map<String, Object> declared() { return declared; }
    @Override public List<String> mismatches() { return mismatches; }

    @Override
    public HardwareDTO snapshot() {
        HardwareDTO d = new HardwareDTO();
        d.site = site;
        d.arch = arch;
        d.os = os;
        d.cpuCores = cores;
        d.memoryBytes = memory;
        d.gpus = gpus;
        d.declared = declared;
        d.mismatches = mismatches;
        return d;
    }
}
