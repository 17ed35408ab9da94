package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControllerDownTest {

    @Test
    void tellsAnUnreachableControllerFromABadJob() {
        // messages as sbatch prints them
        assertTrue(SlurmBackend.controllerUnreachable("sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"));
        assertTrue(SlurmBackend.controllerUnreachable("sbatch: error: Batch job submission failed: Socket timed out on send/recv operation"));
        assertTrue(SlurmBackend.controllerUnreachable("sbatch: error: slurm_persist_conn_open_without_init: failed to open persistent connection"));
        assertFalse(SlurmBackend.controllerUnreachable("sbatch: error: invalid partition specified: nosuch"));
        assertFalse(SlurmBackend.controllerUnreachable("sbatch: error: Batch job submission failed: Requested node configuration is not available"));
        assertFalse(SlurmBackend.controllerUnreachable(""));
    }

    @Test
    void aHangingSbatchMeansUnavailableAMissingOneIsAnError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollInBackground = false;
        s.commandTimeoutMs = 200;
        java.nio.file.Path hang = dir.resolve("sbatch-hang");
        java.nio.file.Files.writeString(hang, "#!/bin/sh\nexec sleep 30\n");
        hang.toFile().setExecutable(true);
        s.sbatch = hang.toString();
        SlurmBackend b = new SlurmBackend(s, CommandRunner.PROCESSES);
        FakeExecution e = new FakeExecution("task-1", org.kumiki.scheduler.api.dto.TaskSpec.command("t", "true"), dir);
        org.junit.jupiter.api.Assertions.assertThrows(org.kumiki.scheduler.api.spi.BackendUnavailableException.class, () -> b.start(e));
        java.nio.file.Path down = dir.resolve("sbatch-down");
        java.nio.file.Files.writeString(down, "#!/bin/sh\necho 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' >&2\nexit 1\n");
        down.toFile().setExecutable(true);
        s.sbatch = down.toString();
        SlurmBackend b2 = new SlurmBackend(s, CommandRunner.PROCESSES);
        org.junit.jupiter.api.Assertions.assertThrows(org.kumiki.scheduler.api.spi.BackendUnavailableException.class, () -> b2.start(e));
        b.deactivate();
        b2.deactivate();
    }
}
