package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExecutionBackend.probe(): what the health check shows for the Slurm controller. */
class ProbeTest {

    static SlurmBackend backend(Path dir, String script) throws Exception {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollInBackground = false;
        s.commandTimeoutMs = 5_000;
        Path scontrol = dir.resolve("scontrol");
        Files.writeString(scontrol, "#!/bin/sh\n" + script + "\n");
        scontrol.toFile().setExecutable(true);
        s.scontrol = scontrol.toString();
        return new SlurmBackend(s, CommandRunner.PROCESSES);
    }

    @Test
    void controllerUpAnswersNull(@TempDir Path dir) throws Exception {
        SlurmBackend b = backend(dir, "[ \"$1\" = ping ] && echo 'Slurmctld(primary) at vm is UP' && exit 0; exit 2");
        assertNull(b.probe());
        b.deactivate();
    }

    @Test
    void controllerDownNamesItInOneLine(@TempDir Path dir) throws Exception {
        SlurmBackend b = backend(dir, "printf 'Slurmctld(primary) at vm is DOWN\\n****\\n** RESTORE SLURMCTLD DAEMON TO SERVICE **\\n'; exit 1");
        assertEquals("Slurm controller does not answer: Slurmctld(primary) at vm is DOWN", b.probe());
        b.deactivate();
    }

    @Test
    void missingScontrolIsOneLine(@TempDir Path dir) throws Exception {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollInBackground = false;
        s.scontrol = dir.resolve("no-such-scontrol").toString();
        SlurmBackend b = new SlurmBackend(s, CommandRunner.PROCESSES);
        String why = b.probe();
        assertTrue(why.startsWith("Slurm controller does not answer: cannot run ") && !why.contains("\n"), why);
        b.deactivate();
    }
}
