package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.dto.HardwareDTO;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

class HardwareProfileIT {

    @InjectBundleContext
    BundleContext context;

    @Test
    void reportsThisNodeAndWhatTheSiteDeclared(@InjectService HardwareProfile hw) {
        assertEquals(Runtime.getRuntime().availableProcessors(), hw.cpuCores());
        assertTrue(hw.memoryBytes() > 0);
        assertTrue(hw.arch().equals("x86_64") || hw.arch().equals("aarch64"), hw.arch());
        // test.bndrun declares kumiki.hardware;arch=x86_64;gpu.vendor=none;gpu.count:Long=0;site=test-site
        assertEquals("none", hw.declared().get("gpu.vendor"));
        assertEquals(0L, hw.declared().get("gpu.count"));
        assertEquals("test-site", hw.siteName());
        assertEquals(!"x86_64".equals(hw.arch()), hw.mismatches().stream().anyMatch(m -> m.startsWith("arch")), hw.mismatches().toString());
        HardwareDTO dto = hw.snapshot();
        assertEquals(hw.cpuCores(), dto.cpuCores);
        assertEquals("test-site", dto.site);
    }

    @Test
    void siteNameFollowsConfigurationAdmin(@InjectService ConfigurationAdmin cm) throws Exception {
        Configuration c = cm.getConfiguration("org.kumiki.platform.hardware", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("site.name", "lab-7");
        c.update(props);
        try {
            assertEquals("lab-7", awaitSite("lab-7"));
        } finally {
            c.delete();
        }
        assertEquals("test-site", awaitSite("test-site"));
    }

    private String awaitSite(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            ServiceTracker<HardwareProfile, HardwareProfile> t = new ServiceTracker<>(context, HardwareProfile.class, null);
            t.open();
            try {
                // SCR re-creates the component on a new configuration; in between, the
                // service may be briefly absent
                HardwareProfile hw = t.waitForService(2000);
                if (hw != null) {
                    last = hw.siteName();
                    if (expected.equals(last)) return last;
                }
            } finally {
                t.close();
            }
            Thread.sleep(50);
        }
        assertFalse(true, "site name stayed " + last + ", expected " + expected);
        return last;
    }
}
