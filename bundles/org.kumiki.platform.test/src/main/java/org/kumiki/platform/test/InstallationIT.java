package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

class InstallationIT {

    @InjectBundleContext
    BundleContext context;

    @Test
    void layoutFollowsFrameworkProperties(@InjectService Installation inst) {
        Path home = Path.of(context.getProperty("kumiki.home")).toAbsolutePath().normalize();
        assertEquals(home, inst.home());
        Path sched = inst.stateDirectory("scheduler");
        assertEquals(home.resolve("state").resolve("scheduler"), sched);
        assertTrue(Files.isDirectory(sched));
        assertEquals(Path.of(context.getProperty("felix.fileinstall.dir")).toAbsolutePath().normalize(), inst.deployDirectory());
        assertTrue(Files.isDirectory(inst.deployDirectory()));
    }

    @Test
    void refusesDomainsThatEscapeTheStateRoot(@InjectService Installation inst) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> inst.stateDirectory("../../etc"));
        assertTrue(e.getMessage().contains("invalid domain name"), e.getMessage());
        assertTrue(Files.notExists(inst.home().getParent().resolve("etc")));
    }
}
