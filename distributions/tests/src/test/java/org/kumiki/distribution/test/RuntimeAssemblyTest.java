package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * Done means of issue 16, from the workstation jar with no rebuild: repo-add the published
 * repository folder, install lab-opcua (the OPC UA driver and its dependencies come up), a
 * restart keeps the set, rollback removes it without a restart, and a CUDA feature on this CPU
 * site fails naming the missing capability.
 */
class RuntimeAssemblyTest {

    static final Path REPO = DistributionSmokeTest.DISTRIBUTIONS.resolve("repository/target/repository");

    @Test
    void labOpcuaIsInstalledKeptOverARestartAndRolledBack(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(REPO.resolve("index.xml")), REPO + " not built: build distributions/repository first");

        Result install = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir,
                "kumiki:repo-add " + REPO + "\nkumiki:install lab-opcua\nlb -s opcua\nkumiki:deployments\n");
        assertEquals(0, install.exit(), install.out() + install.err());
        assertTrue(install.out().contains("install   org.kumiki.lab.opcua "), install.out());
        assertTrue(install.out().contains("applied as deployment 1"), install.out());
        assertTrue(activeOpcua(install.out()), install.out());
        Matcher t = Pattern.compile("resolve (\\d+) ms, fetch\\+install\\+start (\\d+) ms").matcher(install.out());
        assertTrue(t.find(), install.out());
        System.out.println("RuntimeAssemblyTest: lab-opcua resolve " + t.group(1) + " ms, fetch+install+start " + t.group(2) + " ms");

        // a restart: the same set, checked against the record
        Result restart = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir,
                "lb -s opcua\nkumiki:deployments\nkumiki:rollback 0\nlb -s opcua\n");
        assertEquals(0, restart.exit(), restart.out() + restart.err());
        int rollback = restart.out().indexOf("plan (rollback");
        assertTrue(rollback > 0, restart.out());
        // installed from the framework cache (started once the start level reaches the bundle's)
        assertTrue(listedOpcua(restart.out().substring(0, rollback)), "kept over the restart: " + restart.out());
        assertTrue(restart.out().contains("uninstall org.kumiki.lab.opcua "), restart.out());
        assertFalse(listedOpcua(restart.out().substring(restart.out().indexOf("applied as deployment", rollback))), restart.out());
        assertFalse(restart.err().contains("Exception"), restart.err());

        // and after the next restart it stays gone; CUDA on this CPU site is refused naming the capability
        Result after = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, dir, "lb -s opcua\nkumiki:install inference-cuda\n");
        assertNotEquals(0, after.exit());
        assertFalse(listedOpcua(after.out()), after.out());
        assertTrue((after.out() + after.err()).contains(
                "inference-cuda needs kumiki.hardware (&(arch=x86_64)(gpu.vendor=nvidia)); this site has arch=x86_64, gpu.vendor=none"),
                after.out() + after.err());
    }

    private static boolean listedOpcua(String out) {
        return out.lines().anyMatch(l -> l.matches("\\s*\\d+\\|.*\\|org\\.kumiki\\.lab\\.opcua .*"));
    }

    private static boolean activeOpcua(String out) {
        return out.lines().anyMatch(l -> l.contains("|Active") && l.contains("org.kumiki.lab.opcua"));
    }
}
