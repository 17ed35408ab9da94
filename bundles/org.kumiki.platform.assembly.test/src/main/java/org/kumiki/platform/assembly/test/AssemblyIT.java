package org.kumiki.platform.assembly.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.assembly.Assembly;
import org.kumiki.platform.api.assembly.AssemblyException;
import org.kumiki.platform.api.assembly.AssemblyException.Reason;
import org.kumiki.platform.api.assembly.DeploymentDTO;
import org.kumiki.platform.api.assembly.PlanDTO;
import org.kumiki.platform.repotest.TestRepo;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runtime assembly in a real Felix framework declaring a CPU-only site
 * ({@code kumiki.hardware;gpu.vendor=none}), with the framework's own Resolver service.
 */
class AssemblyIT {

    private static Path repoRoot;
    private static Path tamperedJar;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    Installation installation;

    @BeforeEach
    void givenARepository() throws Exception {
        synchronized (AssemblyIT.class) {
            if (repoRoot != null) return;
            Path root = installation.home().resolve("test-repo");
            TestRepo r = new TestRepo(root);
            r.bundle("test.api", "1.0.0", List.of("test.api"), List.of(), null);
            r.bundle("test.impl", "1.0.0", List.of("test.impl"), List.of("test.api;version=\"[1.0,2)\""), null);
            r.bundle("test.pinned", "1.0.0", List.of("test.pinned"), List.of(), null);
            r.bundle("test.pinned", "1.1.0", List.of("test.pinned"), List.of(), null);
            r.bundle("test.cuda", "1.0.0", List.of(), List.of("test.api"), "(gpu.vendor=nvidia)");
            tamperedJar = r.bundle("test.tampered", "1.0.0", List.of("test.tampered"), List.of(), null);
            r.feature("duo", "1.0.0", "two test bundles", List.of("test.api", "test.impl"), null);
            r.feature("inference-cuda", "1.0.0", "CUDA", List.of("test.cuda"), "(gpu.vendor=nvidia)");
            r.feature("bad", "1.0.0", "holds a tampered jar", List.of("test.api", "test.tampered"), null);
            r.write();
            // the jar changes after it was indexed
            Files.write(tamperedJar, "tampered".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            assembly().addRepository(root.toString());
            repoRoot = root;
        }
        // each test starts from the bare container, whatever the one before left
        if (!assembly().deployments().get(lastDeployment()).bundles.isEmpty()) assembly().rollback(0, false);
    }

    private ServiceTracker<Assembly, Assembly> tracker;

    @AfterEach
    void closeTracker() {
        if (tracker != null) tracker.close();
    }

    /** The service, held by a tracker until the test ends (a fresh instance after the bundle restarts). */
    private Assembly assembly() throws InterruptedException {
        if (tracker == null) {
            tracker = new ServiceTracker<>(context, Assembly.class, null);
            tracker.open();
        }
        Assembly a = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
        assertNotNull(a, "Assembly service");
        return a;
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        return null;
    }

    private int lastDeployment() throws InterruptedException {
        List<DeploymentDTO> d = assembly().deployments();
        return d.get(d.size() - 1).id;
    }

    @Test
    void installsAFeatureAndRollsItBack() throws Exception {
        int before = lastDeployment();
        PlanDTO dry = assembly().install(List.of("duo"), true);
        assertFalse(dry.applied);
        assertEquals(2, dry.install.size());
        assertNull(bundle("test.api"), "a dry run installs nothing");

        PlanDTO plan = assembly().install(List.of("duo"), false);
        assertTrue(plan.applied);
        assertEquals(before + 1, plan.deployment);
        assertEquals(Bundle.ACTIVE, bundle("test.api").getState());
        assertEquals(Bundle.ACTIVE, bundle("test.impl").getState());
        assertTrue(bundle("test.impl").getLocation().startsWith(Assembly.LOCATION_PREFIX));
        DeploymentDTO d = assembly().deployments().get(plan.deployment);
        assertEquals(List.of("duo"), d.requested);
        assertEquals(64, d.bundles.get(0).sha256.length());

        PlanDTO back = assembly().rollback(before, false);
        assertTrue(back.applied);
        assertNull(bundle("test.api"));
        assertNull(bundle("test.impl"));
        // and forward again, from the cache, without the repository
        assembly().rollback(plan.deployment, false);
        assertEquals(Bundle.ACTIVE, bundle("test.impl").getState());
        assembly().rollback(before, false);
        assertNull(bundle("test.impl"));
    }

    @Test
    void missingHardwareIsRefusedNamingIt() throws Exception {
        int before = lastDeployment();
        AssemblyException e = assertThrows(AssemblyException.class, () -> assembly().install(List.of("inference-cuda"), false));
        assertEquals("inference-cuda needs kumiki.hardware (gpu.vendor=nvidia); this site has gpu.vendor=none", e.getMessage());
        assertEquals(Reason.HARDWARE_UNMET, e.reason());
        // the bundle itself, asked for directly, is refused by its own requirement
        AssemblyException f = assertThrows(AssemblyException.class, () -> assembly().install(List.of("test.cuda"), false));
        assertEquals("test.cuda needs kumiki.hardware (gpu.vendor=nvidia); this site has gpu.vendor=none", f.getMessage());
        assertEquals(Reason.HARDWARE_UNMET, f.reason());
        assertNull(bundle("test.cuda"));
        assertEquals(before, lastDeployment());
    }

    @Test
    void badRequestsUnknownNamesAndMissingDeploymentsCarryTheirReason() throws Exception {
        int before = lastDeployment();
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().install(List.of(), false)).reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().install(List.of("x;version=[1,oops)"), true)).reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().install(List.of("../etc/passwd"), true)).reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().uninstall(List.of(), false, true)).reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().uninstall(List.of("a;b"), false, true)).reason());
        AssemblyException unknown = assertThrows(AssemblyException.class, () -> assembly().install(List.of("nope"), true));
        assertTrue(unknown.getMessage().startsWith("unknown feature or bundle 'nope'"), unknown.getMessage());
        assertEquals(Reason.UNRESOLVABLE, unknown.reason());
        AssemblyException range = assertThrows(AssemblyException.class, () -> assembly().install(List.of("test.api;version=[3,4)"), true));
        assertEquals("test.api: no version in [3.0.0,4.0.0) in the repositories", range.getMessage());
        assertEquals(Reason.UNRESOLVABLE, range.reason());
        AssemblyException missing = assertThrows(AssemblyException.class, () -> assembly().rollback(9999, true));
        assertTrue(missing.getMessage().startsWith("no deployment 9999: deployments are 0 to "), missing.getMessage());
        assertEquals(Reason.NOT_FOUND, missing.reason());
        assertEquals(before, lastDeployment());
    }

    @Test
    void pinnedVersionIsTheOneInstalled() throws Exception {
        int before = lastDeployment();
        assembly().install(List.of("test.pinned;version=[1.0,1.1)"), false);
        assertEquals("1.0.0", bundle("test.pinned").getVersion().toString());
        assertEquals(Bundle.ACTIVE, bundle("test.pinned").getState());
        // without a range the installed one satisfies the request: nothing to do
        assertFalse(assembly().install(List.of("test.pinned"), false).applied);
        // a range that excludes it: the other version, as an update of the same bundle
        PlanDTO up = assembly().install(List.of("test.pinned;version=[1.1,2)"), false);
        assertEquals(1, up.update.size());
        assertEquals("1.1.0", bundle("test.pinned").getVersion().toString());
        assembly().rollback(before, false);
        assertNull(bundle("test.pinned"));
    }

    @Test
    void tamperedJarIsRefusedAndNothingInstalled() throws Exception {
        int before = lastDeployment();
        AssemblyException e = assertThrows(AssemblyException.class, () -> assembly().install(List.of("bad"), false));
        assertTrue(e.getMessage().startsWith("refused, nothing installed: test.tampered 1.0.0: SHA-256 mismatch: "), e.getMessage());
        assertEquals(Reason.TAMPERED, e.reason());
        assertNull(bundle("test.api"), "the good member was not installed either");
        assertNull(bundle("test.tampered"));
        assertEquals(before, lastDeployment());
    }

    @Test
    void unreachableOrMalformedRepositoryLeavesTheStackUntouched() throws Exception {
        int bundles = context.getBundles().length;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int p = port;
        AssemblyException e = assertThrows(AssemblyException.class, () -> assembly().addRepository("http://127.0.0.1:" + p + "/repo/"));
        assertEquals("repository http://127.0.0.1:" + p + "/repo/index.xml is unreachable: 127.0.0.1:" + p + " refused the connection", e.getMessage());
        assertEquals(Reason.UNREACHABLE, e.reason());
        Path bad = installation.home().resolve("bad-repo");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("index.xml"), "<repository xmlns='http://www.osgi.org/xmlns/repository/v1.0.0'><resource>");
        AssemblyException m = assertThrows(AssemblyException.class, () -> assembly().addRepository(bad.toString()));
        assertTrue(m.getMessage().contains("is not a valid repository index"), m.getMessage());
        assertEquals(Reason.UNRESOLVABLE, m.reason());
        AssemblyException added = assertThrows(AssemblyException.class, () -> assembly().addRepository(repoRoot.toString()));
        assertTrue(added.getMessage().endsWith(" is already added"), added.getMessage());
        assertEquals(Reason.CONFLICT, added.reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().addRepository("ftp://h/r")).reason());
        assertEquals(Reason.BAD_INPUT, assertThrows(AssemblyException.class, () -> assembly().removeRepository(" ")).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(AssemblyException.class, () -> assembly().removeRepository("nope")).reason());
        assertEquals(1, assembly().repositories().size());
        assertEquals(bundles, context.getBundles().length);
    }

    @Test
    void uninstallRefusesWhatOthersNeedThenRemovesTheFeature() throws Exception {
        int before = lastDeployment();
        assembly().install(List.of("duo"), false);
        AssemblyException e = assertThrows(AssemblyException.class, () -> assembly().uninstall(List.of("test.api"), false, false));
        assertEquals("refused: test.impl need test.api (--force uninstalls anyway and stops them)", e.getMessage());
        assertEquals(Reason.CONFLICT, e.reason());
        PlanDTO forced = assembly().uninstall(List.of("test.api"), true, true);
        assertEquals("test.impl", forced.stop.get(0).symbolicName);
        assertEquals(Bundle.ACTIVE, bundle("test.api").getState(), "dry run");
        PlanDTO p = assembly().uninstall(List.of("duo"), false, false);
        assertEquals(2, p.uninstall.size());
        assertNull(bundle("test.api"));
        assertNull(bundle("test.impl"));
        AssemblyException absent = assertThrows(AssemblyException.class, () -> assembly().uninstall(List.of("nothing.here"), false, false));
        assertEquals("'nothing.here' is not installed (kumiki:deployments shows what kumiki:install added)", absent.getMessage());
        assertEquals(Reason.CONFLICT, absent.reason());
        AssemblyException own = assertThrows(AssemblyException.class, () -> assembly().uninstall(List.of("org.kumiki.platform"), false, false));
        assertEquals("org.kumiki.platform belongs to the distribution, not to kumiki:install; it cannot be uninstalled here", own.getMessage());
        assertEquals(Reason.CONFLICT, own.reason());
        assertTrue(lastDeployment() > before);
    }

    @Test
    void restartOfTheServiceKeepsTheRecordAndRepairsTheSet() throws Exception {
        int before = lastDeployment();
        int applied = assembly().install(List.of("duo"), false).deployment;
        Bundle self = bundle("org.kumiki.platform.assembly");
        Assembly stale = assembly();
        self.stop();
        AssemblyException stopped = assertThrows(AssemblyException.class, stale::deployments);
        assertEquals("the assembly service has stopped", stopped.getMessage());
        assertEquals(Reason.UNAVAILABLE, stopped.reason());
        // behind its back: one of its bundles disappears
        bundle("test.impl").uninstall();
        self.start();
        List<DeploymentDTO> d = assembly().deployments();
        assertEquals(applied, d.get(d.size() - 1).id, "the journal brings the deployments back");
        assertNotNull(bundle("test.impl"), "the missing bundle is installed again from the cache");
        assertEquals(Bundle.ACTIVE, bundle("test.impl").getState());
        assertEquals(1, assembly().repositories().size());
        assembly().rollback(before, false);
        assertNull(bundle("test.impl"));
    }

    @Test
    void commandsPrintThePlanAndOneLineErrors() throws Exception {
        ServiceTracker<CommandProcessor, CommandProcessor> t = new ServiceTracker<>(context, CommandProcessor.class, null);
        t.open();
        CommandProcessor cp = t.waitForService(30_000);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (CommandSession s = cp.createSession(InputStream.nullInputStream(), out, out)) {
            String plan = String.valueOf(s.execute("kumiki:install --dry-run duo"));
            assertTrue(plan.contains("install   test.api 1.0.0"), plan);
            assertTrue(plan.endsWith("dry run: nothing changed"), plan);
            assertTrue(String.valueOf(s.execute("kumiki:repos")).contains("test-repo"));
            assertTrue(String.valueOf(s.execute("kumiki:features")).contains("inference-cuda"));
            assertTrue(String.valueOf(s.execute("kumiki:install -n 'test.pinned;version=[1.0,1.1)'")).contains("test.pinned 1.0.0"));
            String[][] bad = {
                {"kumiki:rollback 9999", "no deployment 9999: deployments are 0 to "},
                {"kumiki:rollback ../1", "'../1' is not a deployment number"},
                {"kumiki:install 'x;version=[1,oops)'", "request 'x;version=[1,oops)': version range '[1,oops)' does not parse"},
                {"kumiki:install no-such-feature", "unknown feature or bundle 'no-such-feature'"},
                {"kumiki:install ../../etc/passwd", "is not a feature or bundle name"},
                {"kumiki:repo-add 'http://h/a b/'", "does not parse"},
                {"kumiki:repo-add ../../no/such/dir", "is unreachable"},
                {"kumiki:repo-remove nope", "no repository named 'nope'"},
            };
            for (String[] c : bad) {
                Exception e = assertThrows(Exception.class, () -> s.execute(c[0]), c[0]);
                assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
                assertFalse(e.getMessage().contains("\n"), c[0] + " -> " + e.getMessage());
            }
        } finally {
            t.close();
        }
    }
}
