package org.kumiki.scheduler.pilot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;

/** Bad input gets one line; nothing listens before the first pilot. No Slurm needed. */
class PilotInputTest {

    @TempDir
    Path tmp;

    SchedulerImpl scheduler;
    PilotManager manager;

    @BeforeEach
    void up() throws Exception {
        scheduler = new SchedulerImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("scheduler"), "pilot", 1000);
        manager = new PilotManager(scheduler, tmp.resolve("pilot"), Harness.config(500, 1000), "/nowhere/worker.jar");
        scheduler.addBackend(manager, Map.of(ExecutionBackend.NAME, PilotManager.BACKEND));
    }

    @AfterEach
    void down() {
        manager.deactivate();
        scheduler.close();
    }

    String start(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> manager.startPilot(PilotCommands.parse(args))).getMessage();
    }

    @Test
    void badStartOptionsAreOneLine() {
        assertEquals("--nodes must be at least 1, not 0", start("start", "--backend", "slurm", "--nodes", "0", "--walltime", "1h"));
        assertEquals("--walltime must be positive, e.g. 30m or 2:00:00", start("start", "--backend", "slurm", "--walltime", "-5m"));
        assertEquals("--walltime must be positive, e.g. 30m or 2:00:00", start("start", "--backend", "slurm", "--walltime", "0"));
        assertEquals("--walltime must be like 90s, 30m, 2h or 1:30:00, not 'soon'", start("start", "--backend", "slurm", "--walltime", "soon"));
        assertEquals("unknown backend 'nope' (known: pilot)", start("start", "--backend", "nope", "--walltime", "1h"));
        assertEquals("a pilot cannot run on the pilot backend itself", start("start", "--backend", "pilot", "--walltime", "1h"));
        assertEquals("--workers-per-node must be between 1 and 256, not 0", start("start", "--backend", "slurm", "--walltime", "1h", "--workers-per-node", "0"));
        assertEquals("--nodes must be a whole number, not 'two'", start("start", "--backend", "slurm", "--nodes", "two", "--walltime", "1h"));
        assertEquals("--walltime is required (e.g. --walltime 1h)", start("start", "--backend", "slurm"));
        assertEquals("unknown option '--gpus' for sched:pilot start (options: --backend, --nodes, --walltime, --workers-per-node, --slots, --partition)",
                start("start", "--gpus", "1"));
        assertEquals("option --backend needs a value", start("start", "--backend"));
        assertEquals("no pilot 'pilot-x' (sched:pilots lists them)",
                assertThrows(IllegalArgumentException.class, () -> manager.stopPilot("pilot-x")).getMessage());
        assertEquals("unknown action 'launch': sched:pilot start ... or sched:pilot stop ID",
                assertThrows(IllegalArgumentException.class, () -> new PilotCommands(manager).pilot("launch")).getMessage());
    }

    @Test
    void pilotBackendRejectsWhileNoPilotIsLiveAndListensOnlyAfterTheFirstStart() {
        TaskSpec s = TaskSpec.function("f", "kumiki.noop", null);
        s.backend = PilotManager.BACKEND;
        TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> scheduler.submit(s));
        assertEquals(true, e.getMessage().endsWith(PilotManager.NO_PILOT), e.getMessage());
        assertEquals(false, Files.exists(tmp.resolve("pilot/port")), "nothing listens before the first pilot");
        assertEquals("No pilots.\n", new PilotCommands(manager).pilots());
    }

    /** Three nodes of four workers: one task of 3 nodes and 12 ranks whose command is srun --ntasks-per-node=4, one worker per rank. */
    @Test
    void aMultiNodePilotIsOneTaskStartingItsWorkersWithSrun() {
        PilotManager.StartOptions o = PilotCommands.parse(new String[] {"start", "--backend", "slurm", "--nodes", "3", "--workers-per-node", "4",
            "--walltime", "1h", "--partition", "big"});
        Path launch = tmp.resolve("pilot/pilot-x/launch.sh");
        TaskSpec t = PilotManager.pilotTask("pilot-x", o, launch);
        assertEquals(List.of("srun", "--nodes=3", "--ntasks=12", "--ntasks-per-node=4", "sh", launch.toString()), t.command);
        assertEquals(3, t.resources.nodes);
        assertEquals(12, t.resources.tasks);
        assertEquals(1, t.resources.cpusPerTask);
        assertEquals(Launcher.NONE, t.launcher, "srun is the command itself");
        assertEquals("slurm", t.backend);
        assertEquals("big", t.partition);
        assertEquals(3600, t.resources.walltimeSeconds);

        PilotManager.Pilot p = new PilotManager.Pilot();
        p.id = "pilot-x";
        p.nodes = 3;
        p.workersPerNode = 4;
        p.slots = 8;
        String script = manager.launchScript(p, tmp.resolve("pilot/pilot-x/secret"), 4711, true);
        assertTrue(script.contains("i=$((${SLURM_LOCALID:-0}+1))\n"), script);
        assertTrue(script.contains("\nexec "), "one worker per Slurm task, in place of the shell: " + script);
        assertTrue(script.contains("-Dkumiki.worker.pilot.name=\"$(hostname)-$i\""), script);
        assertTrue(!script.contains("&") && !script.contains("while"), script);

        // one node elsewhere than Slurm: sh launch.sh starts the node's workers itself
        PilotManager.StartOptions local = PilotCommands.parse(new String[] {"start", "--backend", "local", "--workers-per-node", "2", "--walltime", "1h"});
        TaskSpec l = PilotManager.pilotTask("pilot-y", local, launch);
        assertEquals(List.of("sh", launch.toString()), l.command);
        assertEquals(2, l.resources.cpus);
        assertEquals(1, l.resources.tasks);
        String loop = manager.launchScript(p, tmp.resolve("pilot/pilot-x/secret"), 4711, false);
        assertTrue(loop.contains("while [ $i -lt 4 ]") && loop.endsWith(" &\ndone\nwait\n"), loop);
        assertEquals("--nodes must be at most 4096, not 5000", start("start", "--backend", "slurm", "--nodes", "5000", "--walltime", "1h"));
    }
}
