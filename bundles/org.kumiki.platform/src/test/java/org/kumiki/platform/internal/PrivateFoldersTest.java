package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFoldersTest {

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void createsMissingFoldersAndTheirMissingParentsWithMode700(@TempDir Path dir) throws Exception {
        Path deep = dir.resolve("a/b/c");
        PrivateFolders.ensure(deep, "state");
        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(dir.resolve("a/b")));
        assertEquals("rwx------", mode(deep));
    }

    @Test
    void narrowsAnExistingOpenFolderAndLeavesAPrivateOneAlone(@TempDir Path dir) throws Exception {
        Path open = Files.createDirectory(dir.resolve("felix-cache"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(PrivateFolders.makePrivate(open, "framework cache"), "changed");
        assertEquals("rwx------", mode(open));
        assertFalse(PrivateFolders.makePrivate(open, "framework cache"), "nothing to do the second time");
        assertFalse(PrivateFolders.makePrivate(dir.resolve("missing"), "log"), "a missing folder is not created by makePrivate");
        assertTrue(Files.notExists(dir.resolve("missing")));
    }

    @Test
    void stateFoldersOfDomainsArePrivate(@TempDir Path dir) throws Exception {
        InstallationComponent inst = new InstallationComponent(InstallationComponentTest.config(dir.toString()), null, null);
        Path sched = inst.stateDirectory("scheduler");
        assertEquals("rwx------", mode(sched));
        assertEquals("rwx------", mode(dir.resolve("state")));
    }

    @Test
    void activationCreatesLogAndDeployPrivateAndNarrowsTheCache(@TempDir Path dir) throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxr-x"));
        Map<String, Path> create = new LinkedHashMap<>();
        create.put("log", dir.resolve("log"));
        create.put("deploy", dir.resolve("deploy"));
        Map<String, Path> existing = new LinkedHashMap<>();
        existing.put("framework cache", cache);
        existing.put("state", dir.resolve("state"));
        InstallationComponent.makePrivate(create, existing);
        assertEquals("rwx------", mode(dir.resolve("log")));
        assertEquals("rwx------", mode(dir.resolve("deploy")));
        assertEquals("rwx------", mode(cache));
        assertTrue(Files.notExists(dir.resolve("state")), "state is created on first use, not at start");
    }

}
