package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.dto.GpuDTO;

class HardwareProfileComponentTest {

    static HardwareProfileComponent.Config config(String site) {
        return new HardwareProfileComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return HardwareProfileComponent.Config.class; }
            @Override public String site_name() { return site; }
            @Override public String nvidia_smi() { return "/nonexistent/nvidia-smi"; }
            @Override public long nvidia_smi_timeout_ms() { return 1000; }
        };
    }

    @Test
    void normalisesArchitectures() {
        assertEquals("x86_64", HardwareProfileComponent.normaliseArch("amd64"));
        assertEquals("aarch64", HardwareProfileComponent.normaliseArch("arm64"));
        assertEquals("aarch64", HardwareProfileComponent.normaliseArch("AARCH64"));
        assertEquals("riscv64", HardwareProfileComponent.normaliseArch("riscv64"));
    }

    @Test
    void detectsThisNode() {
        HardwareProfileComponent hw = new HardwareProfileComponent(config(""), Map.of("site", "declared-site"), null);
        assertEquals(Runtime.getRuntime().availableProcessors(), hw.cpuCores());
        assertTrue(hw.memoryBytes() > 256L << 20, "memory " + hw.memoryBytes());
        assertTrue(hw.gpus().isEmpty());
        assertEquals("declared-site", hw.siteName());
        assertEquals(hw.arch(), hw.snapshot().arch);
    }

    @Test
    void configuredSiteWinsOverPropertyAndDeclaration() {
        assertEquals("cfg", HardwareProfileComponent.chooseSite(" cfg ", "prop", Map.of("site", "decl")));
        assertEquals("prop", HardwareProfileComponent.chooseSite("", "prop", Map.of("site", "decl")));
        assertTrue(!HardwareProfileComponent.chooseSite("", null, Map.of()).isBlank());
    }

    @Test
    void reportsDeclaredHardwareThatIsMissing() {
        GpuDTO gpu = new GpuDTO();
        gpu.vendor = "nvidia";
        assertTrue(HardwareProfileComponent.compare(Map.of("arch", "x86_64", "gpu.vendor", "none"), "x86_64", List.of()).isEmpty());
        List<String> m = HardwareProfileComponent.compare(Map.of("arch", "aarch64", "gpu.vendor", "nvidia", "gpu.count", 4L), "x86_64", List.of());
        assertEquals(3, m.size(), m.toString());
        assertTrue(m.get(0).startsWith("arch: declared aarch64"), m.toString());
        assertTrue(HardwareProfileComponent.compare(Map.of("gpu.vendor", "nvidia", "gpu.count", 1L), "x86_64", List.of(gpu)).isEmpty());
        assertEquals(List.of("gpu.count: declared value is not a number: many"),
                HardwareProfileComponent.compare(Map.of("gpu.count", "many"), "x86_64", List.of()));
    }
}
