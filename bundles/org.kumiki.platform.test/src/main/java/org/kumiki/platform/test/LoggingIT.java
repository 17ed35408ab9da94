package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SLF4J reaches Logback through the org.kumiki.platform.slf4j fragment, with no SPI Fly installed. */
class LoggingIT {

    @InjectBundleContext
    BundleContext context;

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    @Test
    void theFragmentIsAttachedToSlf4jAndNoWeavingMediatorRuns() {
        Bundle fragment = bundle("org.kumiki.platform.slf4j");
        assertNotNull(fragment, "org.kumiki.platform.slf4j installed");
        assertEquals(Bundle.RESOLVED, fragment.getState(), "a fragment resolves, never starts");
        BundleWiring wiring = fragment.adapt(BundleRevision.class).getWiring();
        assertNotNull(wiring, "fragment wired");
        java.util.List<BundleWire> hosts = wiring.getRequiredWires(HostNamespace.HOST_NAMESPACE);
        assertEquals(1, hosts.size());
        assertEquals("slf4j.api", hosts.get(0).getProvider().getSymbolicName());
        assertEquals(null, bundle("org.apache.aries.spifly.dynamic.bundle"), "SPI Fly is not part of the run");
    }

    @Test
    void slf4jLogsThroughLogbackIntoTheKumikiLogFile() throws Exception {
        // without a binding SLF4J falls back to its NOP logger and every log line is lost
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        assertTrue(factory.startsWith("ch.qos.logback.classic."), factory);
        String marker = "logging-it-" + UUID.randomUUID();
        Logger log = LoggerFactory.getLogger(LoggingIT.class);
        log.info("{}", marker);
        String dir = context.getProperty("kumiki.log.dir");
        assertNotNull(dir, "kumiki.log.dir set by cnf/test.bnd");
        Path file = Path.of(dir, "kumiki.log");
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (text.contains(marker)) {
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(text.contains(marker), "the INFO line reached " + file);
        assertTrue(text.lines().anyMatch(l -> l.contains(marker) && l.contains("INFO") && l.contains(LoggingIT.class.getName())), "formatted by logback.xml");
    }
}
