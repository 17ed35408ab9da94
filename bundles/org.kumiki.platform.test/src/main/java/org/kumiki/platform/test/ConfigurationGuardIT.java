package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.test.components.GuardedComponent;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;

/**
 * A bad value in a deploy/*.cfg (through the real File Install and Config Admin) is refused
 * with one log line naming the file, the property and the expected type, and the component
 * keeps its last good configuration; a garbage jar in deploy/ is reported, one line per file.
 */
class ConfigurationGuardIT {

    @InjectBundleContext
    BundleContext context;

    Path deploy;
    Path cfg;
    KumikiLog log;

    @BeforeEach
    void setUp() {
        deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        cfg = deploy.resolve(GuardedComponent.PID + ".cfg");
        log = new KumikiLog(context);
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.deleteIfExists(cfg);
        RuntimeCompositionIT.await("guarded component gone", () -> context.getServiceReference(GuardedComponent.class) == null);
    }

    /** Writes the file whole (write then rename), so File Install never reads half of it. */
    void write(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    GuardedComponent component() {
        ServiceReference<GuardedComponent> ref = context.getServiceReference(GuardedComponent.class);
        return ref == null ? null : context.getService(ref);
    }

    @Test
    void aBadValueKeepsTheLastGoodConfigurationWithOneLineNamingFileAndProperty() throws Exception {
        write(cfg, "memory.mib=2048\nenabled=true\n");
        RuntimeCompositionIT.await("memory.mib=2048 applied", () -> component() != null && component().memoryMib() == 2048);
        GuardedComponent before = component();

        String bad = "abc-" + UUID.randomUUID();
        write(cfg, "memory.mib=" + bad + "\nenabled=false\n");
        String line = log.await("the bad memory.mib", l -> l.contains(bad));
        assertTrue(line.contains("ERROR"), line);
        assertTrue(line.contains(cfg.getFileName().toString()), "names the file: " + line);
        assertTrue(line.contains("memory.mib"), "names the property: " + line);
        assertTrue(line.contains("Long"), "names the expected type: " + line);
        assertTrue(line.contains("keeping the last good value '2048'"), line);
        // the valid change in the same file applies, the bad one does not
        RuntimeCompositionIT.await("enabled=false applied", () -> component() != null && !component().enabled());
        GuardedComponent after = component();
        assertNotNull(after, "the component stays up");
        assertSame(before, after, "modified in place, not deactivated");
        assertEquals(2048, after.memoryMib(), "kept the last good value");
        assertEquals(1, log.lines().stream().filter(l -> l.contains(bad)).count(), "one line, no stack trace: " + log.lines().stream().filter(l -> l.contains(bad)).toList());
        int at = log.lines().indexOf(line);
        assertFalse(at + 1 < log.lines().size() && log.lines().get(at + 1).startsWith("\tat "), "no stack trace after the line");

        write(cfg, "memory.mib=4096\nenabled=false\n");
        RuntimeCompositionIT.await("a good value applies again", () -> component() != null && component().memoryMib() == 4096);
    }

    @Test
    void garbageJarsInTheDeployFolderAreReportedOneLineEach() throws Exception {
        String id = UUID.randomUUID().toString();
        Path garbage = deploy.resolve("garbage-" + id + ".jar");
        Path plain = deploy.resolve("plain-" + id + ".jar");
        try {
            write(garbage, "this is not a jar");
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plain), manifestWithoutBsn())) {
                out.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
                out.write('a');
            }
            String l1 = log.await("garbage jar reported", l -> l.contains(garbage.getFileName().toString()));
            assertTrue(l1.contains("ignored: not a jar (zip) file"), l1);
            assertTrue(l1.contains("WARN"), l1);
            String l2 = log.await("plain jar reported", l -> l.contains(plain.getFileName().toString()));
            assertTrue(l2.contains("ignored: its manifest has no Bundle-SymbolicName"), l2);
            // File Install keeps scanning; the files are reported once, not at every scan
            Thread.sleep(1000);
            assertEquals(1, log.lines().stream().filter(l -> l.contains(garbage.getFileName().toString())).count());
        } finally {
            Files.deleteIfExists(garbage);
            Files.deleteIfExists(plain);
        }
    }

    static java.util.jar.Manifest manifestWithoutBsn() {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        return m;
    }
}
