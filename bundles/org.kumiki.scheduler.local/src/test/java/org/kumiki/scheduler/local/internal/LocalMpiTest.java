package org.kumiki.scheduler.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** Parallel (MPI) tasks on the local backend: mpirun -np N, and the checks at submit. */
class LocalMpiTest {

    /** The standard LJ benchmark (bench/in.lj): 32,000 atoms, 100 steps. */
    static final String IN_LJ = String.join("\n", "units lj", "atom_style atomic", "lattice fcc 0.8442",
            "region box block 0 20 0 20 0 20", "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
            "velocity all create 1.44 87287 loop geom", "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5",
            "neighbor 0.3 bin", "neigh_modify delay 0 every 20 check no", "fix 1 all nve", "thermo 100", "run 100", "");
    /** Its thermo at step 100, serial and on any number of ranks (SLURM.md): Step Temp E_pair E_mol TotEng Press. */
    static final String STEP_100 = "100 0.7574531 -5.7585055 0 -4.6223613 0.20726105";

    @TempDir
    Path tmp;

    static TaskSpec lammps(Path dir, int ranks) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("in.lj"), IN_LJ);
        TaskSpec s = TaskSpec.command("lj-" + ranks, "/usr/bin/lmp", "-in", "in.lj", "-log", "log.lammps", "-screen", "none");
        s.workingDirectory = dir.toString();
        s.resources.tasks = ranks;
        return s;
    }

    /** Ranks LAMMPS ran on, from its "A by B by C MPI processor grid" line. */
    static int ranks(Path log) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) by (\\d+) by (\\d+) MPI processor grid").matcher(Files.readString(log));
        return m.find() ? Integer.parseInt(m.group(1)) * Integer.parseInt(m.group(2)) * Integer.parseInt(m.group(3)) : -1;
    }

    static String thermoAt100(Path log) throws Exception {
        return Files.readAllLines(log).stream().map(String::strip).map(l -> l.replaceAll("\\s+", " "))
                .filter(l -> l.startsWith("100 ")).findFirst().orElse("no step 100 in " + log);
    }

    @Test
    void lammpsOnTwoRanksUnderMpirunMatchesTheSerialRun() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/lmp")) && Files.isExecutable(Path.of("/usr/bin/mpirun")),
                "needs lammps and openmpi-bin (scripts/services/lammps.sh packages)");
        try (Harness h = new Harness(tmp.resolve("state"), 4, 0, 8192)) {
            TaskRecordDTO serial = h.scheduler.submit(lammps(tmp.resolve("serial"), 1));
            TaskRecordDTO two = h.scheduler.submit(lammps(tmp.resolve("two"), 2));
            assertEquals(TaskState.COMPLETED, h.scheduler.await(serial.id).toCompletableFuture().get(300, TimeUnit.SECONDS).state);
            TaskRecordDTO done = h.scheduler.await(two.id).toCompletableFuture().get(300, TimeUnit.SECONDS);
            assertEquals(TaskState.COMPLETED, done.state, done.reason);
            assertEquals(2, ranks(tmp.resolve("two/log.lammps")), "ran on 2 ranks");
            assertEquals(1, ranks(tmp.resolve("serial/log.lammps")));
            assertEquals(STEP_100, thermoAt100(tmp.resolve("serial/log.lammps")));
            assertEquals(STEP_100, thermoAt100(tmp.resolve("two/log.lammps")));
        }
    }

    @Test
    void commandLines() {
        TaskSpec s = TaskSpec.command("x", "/usr/bin/lmp", "-in", "in.lj");
        assertEquals(List.of("/usr/bin/lmp", "-in", "in.lj"), LocalBackend.commandLine(s));
        s.resources.tasks = 3;
        assertEquals(List.of("mpirun", "-np", "3", "--oversubscribe", "--bind-to", "none", "/usr/bin/lmp", "-in", "in.lj"), LocalBackend.commandLine(s));
        s.launcher = Launcher.NONE;
        assertEquals(List.of("/usr/bin/lmp", "-in", "in.lj"), LocalBackend.commandLine(s));
    }

    @Test
    void badRanksAreRejectedInOneLine() throws Exception {
        try (Harness h = new Harness(tmp.resolve("state"), 4, 0, 8192)) {
            assertEquals("tasks (ranks) must be at least 1, got 0", reject(h, 0, 1, 1));
            assertEquals("tasks (ranks) must be at least 1, got -2", reject(h, -2, 1, 1));
            assertEquals("nodes must be at least 1, got 0", reject(h, 1, 0, 1));
            assertEquals("cpus per task must be at least 1, got 0", reject(h, 2, 1, 0));
            assertEquals("nodes (3) must not exceed tasks (2): every node needs a rank", reject(h, 2, 3, 1));
            assertEquals("needs 8 cpus (8 ranks x 1) but backend 'local' has 4", reject(h, 8, 1, 1));
            assertEquals("needs 6 cpus (2 ranks x 3) but backend 'local' has 4", reject(h, 2, 1, 3));
            assertEquals("spans 2 nodes; the local backend is one node (use --backend slurm)", reject(h, 2, 2, 1));
            TaskSpec s = TaskSpec.command("x", "true");
            s.resources.tasks = 2;
            s.launcher = Launcher.SRUN;
            assertEquals("launcher SRUN needs Slurm; locally parallel tasks run under mpirun (AUTO or MPIRUN)",
                    assertThrows(TaskRejectedException.class, () -> h.scheduler.submit(s)).getMessage());
            TaskSpec f = TaskSpec.function("f", "noop", null);
            f.resources.tasks = 2;
            assertEquals("a function task runs as one rank; tasks must be 1, got 2",
                    assertThrows(TaskRejectedException.class, () -> h.scheduler.submit(f)).getMessage());
        }
    }

    static String reject(Harness h, int tasks, int nodes, int cpusPerTask) {
        TaskSpec s = TaskSpec.command("x", "true");
        s.resources.tasks = tasks;
        s.resources.nodes = nodes;
        s.resources.cpusPerTask = cpusPerTask;
        return assertThrows(TaskRejectedException.class, () -> h.scheduler.submit(s)).getMessage();
    }
}
