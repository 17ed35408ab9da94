package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationComponentTest {

    static InstallationComponent.Config config(String home) {
        return new InstallationComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return InstallationComponent.Config.class; }
            @Override public String home() { return home; }
            @Override public String state_dir() { return "state"; }
            @Override public String log_dir() { return "log"; }
        };
    }

    @Test
    void createsDomainFoldersUnderStateRoot(@TempDir Path dir) {
        InstallationComponent inst = new InstallationComponent(config(dir.toString()), "/ignored", dir.resolve("dep").toString());
        Path sched = inst.stateDirectory("scheduler");
        assertEquals(dir.resolve("state/scheduler"), sched);
        assertTrue(Files.isDirectory(sched));
        assertEquals(dir.resolve("log"), inst.logDirectory());
        assertEquals(dir.resolve("dep"), inst.deployDirectory());
    }

    @Test
    void homeFallsBackToFrameworkProperty(@TempDir Path dir) {
        assertEquals(dir, new InstallationComponent(config(""), dir.toString(), null).home());
    }

    @Test
    void rejectsHostileDomainNames(@TempDir Path dir) {
        InstallationComponent inst = new InstallationComponent(config(dir.toString()), null, null);
        for (String bad : new String[] {"", "..", "../etc", "a/b", "/abs", "UPPER", "a..b", "x".repeat(65), null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> inst.stateDirectory(bad), String.valueOf(bad));
            assertTrue(e.getMessage().contains("invalid domain name"));
        }
        assertTrue(Files.notExists(dir.resolve("etc")));
    }
}
