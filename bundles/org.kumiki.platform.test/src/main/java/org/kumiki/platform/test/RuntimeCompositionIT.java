package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.HardwareProfile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * An operator adds, updates and removes bundles while the container runs, through the
 * watched deploy folder and through Gogo; Kumiki services and commands come and go and
 * nothing else restarts.
 */
class RuntimeCompositionIT {

    static final String COMMAND_BSN = "org.kumiki.platform.command";
    static final String NVIDIA_BSN = "org.kumiki.platform.nvidia";

    @InjectBundleContext
    BundleContext context;

    @InjectService
    CommandProcessor gogo;

    Path deploy;
    Path deployables;
    final List<String> otherBundleEvents = new CopyOnWriteArrayList<>();
    BundleListener listener;

    @BeforeEach
    void watchOtherBundles() {
        deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        deployables = Path.of(context.getProperty("kumiki.test.deployables"));
        listener = e -> {
            String bsn = e.getBundle().getSymbolicName();
            if (!COMMAND_BSN.equals(bsn) && !NVIDIA_BSN.equals(bsn)
                    && (e.getType() == BundleEvent.STOPPED || e.getType() == BundleEvent.STARTED || e.getType() == BundleEvent.UPDATED)) {
                otherBundleEvents.add(bsn + " " + e.getType());
            }
        };
        context.addBundleListener(listener);
    }

    @AfterEach
    void cleanUp() throws Exception {
        context.removeBundleListener(listener);
        Files.deleteIfExists(deploy.resolve(COMMAND_BSN + ".jar"));
        Files.deleteIfExists(deploy.resolve(NVIDIA_BSN + ".jar"));
        for (String bsn : new String[] {COMMAND_BSN, NVIDIA_BSN}) {
            Bundle b = bundle(bsn);
            if (b != null && !b.getLocation().contains("/deploy/")) b.uninstall(); // installed from Gogo
        }
        await("deployed bundles removed", () -> bundle(COMMAND_BSN) == null && bundle(NVIDIA_BSN) == null);
    }

    @Test
    void bundleDroppedIntoDeployIsActivatedUpdatedAndWithdrawn(@InjectService HardwareProfile hw) throws Exception {
        long hwServiceId = serviceId(HardwareProfile.class);
        Bundle platform = bundle("org.kumiki.platform");
        long platformModified = platform.getLastModified();
        assertNotNull(hw);
        assertEquals(0, kumikiCommandServices().size(), "kumiki commands before deploy");

        // drop
        Path target = deploy.resolve(COMMAND_BSN + ".jar");
        Files.copy(deployables.resolve(COMMAND_BSN + ".jar"), target, StandardCopyOption.REPLACE_EXISTING);
        await("command bundle active", () -> bundle(COMMAND_BSN) != null && bundle(COMMAND_BSN).getState() == Bundle.ACTIVE);
        await("kumiki commands registered", () -> kumikiCommandServices().size() == 1);
        String status = run("kumiki:status");
        assertTrue(status.contains(COMMAND_BSN), status);
        assertTrue(status.contains("kumiki:status kumiki:hardware kumiki:gpus"), status);
        assertTrue(status.contains("org.kumiki.platform.api.HardwareProfile"), status);
        assertTrue(run("kumiki:hardware").contains("test-site"));
        Exception noGpu = assertThrows(Exception.class, () -> run("kumiki:gpus"));
        assertTrue(noGpu.getMessage().contains("no GpuMonitor service"), noGpu.getMessage());
        Exception badDomain = assertThrows(Exception.class, () -> run("kumiki:status -d '../x'"));
        assertTrue(badDomain.getMessage().contains("invalid domain"), badDomain.getMessage());
        assertTrue(run("kumiki:status -d scheduler").contains("Kumiki bundles: 0"));

        // update: a newer file in place of the old one
        long before = serviceIdOfCommands();
        long installedModified = bundle(COMMAND_BSN).getLastModified();
        Files.copy(deployables.resolve(COMMAND_BSN + ".jar"), target, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        await("command bundle updated", () -> bundle(COMMAND_BSN) != null && bundle(COMMAND_BSN).getLastModified() != installedModified
                && kumikiCommandServices().size() == 1);
        assertNotEquals(before, serviceIdOfCommands(), "commands re-registered after update");

        // remove
        Files.delete(target);
        await("command bundle uninstalled", () -> bundle(COMMAND_BSN) == null);
        assertEquals(0, kumikiCommandServices().size(), "commands withdrawn");

        // nothing else restarted
        assertEquals(hwServiceId, serviceId(HardwareProfile.class), "HardwareProfile service was re-registered");
        assertEquals(platformModified, platform.getLastModified());
        assertEquals(Bundle.ACTIVE, platform.getState());
        assertEquals(List.of(), otherBundleEvents);
    }

    @Test
    void gogoInstallStartUpdateUninstall() throws Exception {
        String uri = deployables.resolve(COMMAND_BSN + ".jar").toUri().toString();
        String printed = run("install " + uri); // Gogo prints "Bundle ID: N"
        Bundle installed = bundle(COMMAND_BSN);
        assertNotNull(installed, printed);
        long id = installed.getBundleId();
        assertTrue(printed.contains("Bundle ID: " + id), printed);
        assertEquals(Bundle.INSTALLED, installed.getState());
        gogo(session -> session.execute("start " + id));
        await("commands registered", () -> kumikiCommandServices().size() == 1);
        long first = serviceIdOfCommands();
        gogo(session -> session.execute("update " + id));
        await("commands re-registered", () -> kumikiCommandServices().size() == 1 && serviceIdOfCommands() != first);
        gogo(session -> session.execute("uninstall " + id));
        await("commands withdrawn", () -> kumikiCommandServices().isEmpty());
        assertEquals(null, context.getBundle(id));
        assertEquals(List.of(), otherBundleEvents);
    }

    @Test
    void gpuBundleIsRefusedOnACpuSiteWithTheMissingCapabilityNamed() throws Exception {
        Files.copy(deployables.resolve(NVIDIA_BSN + ".jar"), deploy.resolve(NVIDIA_BSN + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        await("gpu bundle installed", () -> bundle(NVIDIA_BSN) != null);
        Bundle gpu = bundle(NVIDIA_BSN);
        Thread.sleep(500); // give fileinstall its attempts to start it
        assertEquals(Bundle.INSTALLED, gpu.getState(), "a GPU bundle must not resolve on a CPU-only site");
        BundleException e = assertThrows(BundleException.class, gpu::start);
        assertTrue(e.getMessage().contains("kumiki.hardware"), e.getMessage());
        assertTrue(e.getMessage().contains("gpu.vendor=nvidia"), e.getMessage());
        assertEquals(null, context.getServiceReference("org.kumiki.platform.api.GpuMonitor"));
    }

    // --- helpers

    interface SessionWork {
        Object apply(CommandSession s) throws Exception;
    }

    Object gogo(SessionWork work) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            return work.apply(s);
        }
    }

    String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            return r == null ? out.toString(StandardCharsets.UTF_8) : s.format(r, Converter.INSPECT).toString();
        }
    }

    Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) return b;
        }
        return null;
    }

    List<ServiceReference<?>> kumikiCommandServices() {
        try {
            // the KumikiCommands service (the bundle also registers access and log commands)
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(&(osgi.command.scope=kumiki)(osgi.command.function=status))");
            return refs == null ? List.of() : List.of(refs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long serviceIdOfCommands() {
        return (Long) kumikiCommandServices().get(0).getProperty(Constants.SERVICE_ID);
    }

    long serviceId(Class<?> type) {
        return (Long) context.getServiceReference(type).getProperty(Constants.SERVICE_ID);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(50);
        }
        fail("timed out waiting for: " + what);
    }
}
