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
}
