package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;

/** Parallel (MPI) tasks on the real Slurm: --nodes/--ntasks with srun --mpi=pmix or mpirun; checks at submit. */
class SlurmMpiIntegrationTest {

    @BeforeAll
    static void slurmIsUp() {
        SlurmIntegrationTest.slurmIsUp();
    }

    /** The standard LJ benchmark (bench/in.lj): 32,000 atoms, 100 steps. */
    static final String IN_LJ = String.join("\n", "units lj", "atom_style atomic", "lattice fcc 0.8442",
            "region box block 0 20 0 20 0 20", "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
            "velocity all create 1.44 87287 loop geom", "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5",
            "neighbor 0.3 bin", "neigh_modify delay 0 every 20 check no", "fix 1 all nve", "thermo 100", "run 100", "");
    /** Step Temp E_pair E_mol TotEng Press at step 100, identical for 1 and 2 ranks (SLURM.md). */
    static final String STEP_100 = "100 0.7574531 -5.7585055 0 -4.6223613 0.20726105";

    @TempDir
    Path tmp;
    SchedulerImpl scheduler;
    SlurmBackend backend;

    void up() throws Exception {
        scheduler = new SchedulerImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("state"), "slurm", 1000);
        SlurmBackend.Settings s = new SlurmBackend.Settings();
        s.pollIntervalMs = 200;
        backend = new SlurmBackend(s, CommandRunner.PROCESSES);
        scheduler.addBackend(backend, Map.of(ExecutionBackend.NAME, "slurm"));
    }

    @AfterEach
    void down() {
        if (backend != null) backend.deactivate();
        if (scheduler != null) scheduler.close();
    }

    TaskSpec lammps(String name, int ranks, Launcher launcher) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("in.lj"), IN_LJ);
        TaskSpec s = TaskSpec.command(name, "/usr/bin/lmp", "-in", "in.lj", "-log", "log.lammps", "-screen", "none");
        s.workingDirectory = dir.toString();
        s.resources.tasks = ranks;
        s.launcher = launcher;
        return s;
    }

    static int ranks(Path log) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) by (\\d+) by (\\d+) MPI processor grid").matcher(Files.readString(log));
        return m.find() ? Integer.parseInt(m.group(1)) * Integer.parseInt(m.group(2)) * Integer.parseInt(m.group(3)) : -1;
    }

    static String thermoAt100(Path log) throws Exception {
        return Files.readAllLines(log).stream().map(String::strip).map(l -> l.replaceAll("\\s+", " "))
                .filter(l -> l.startsWith("100 ")).findFirst().orElse("no step 100 in " + log);
    }

    /** Runs LAMMPS serially and on 2 ranks with the launcher; the thermo must be the same. */
    void lammpsOnTwoRanks(Launcher launcher) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/lmp")), "needs lammps (scripts/services/lammps.sh packages)");
        up();
        List<TaskRecordDTO> recs = scheduler.submitAll(List.of(lammps("serial", 1, Launcher.AUTO), lammps("two", 2, launcher)));
        for (TaskRecordDTO r : recs) {
            TaskRecordDTO done = scheduler.await(r.id).toCompletableFuture().get(300, TimeUnit.SECONDS);
            assertEquals(TaskState.COMPLETED, done.state, r.spec.name + ": " + done.reason);
        }
        assertEquals(1, ranks(tmp.resolve("serial/log.lammps")));
        assertEquals(2, ranks(tmp.resolve("two/log.lammps")), launcher + " started 2 ranks");
        for (String n : List.of("serial", "two")) assertEquals(STEP_100, thermoAt100(tmp.resolve(n + "/log.lammps")), n);
    }

    @Test
    void lammpsOnTwoRanksWithMpirunInsideTheAllocation() throws Exception {
        lammpsOnTwoRanks(Launcher.MPIRUN);
    }

    /**
     * srun --mpi=pmix needs libpmix.so (libpmix-dev, a link) when slurmd starts: a slurmd started
     * before it was installed cannot launch a pmix step (the step hangs in COMPLETING).
     */
    @Test
    void lammpsOnTwoRanksWithSrunPmix() throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libpmix.so");
        String why = null;
        if (!Files.exists(lib)) {
            why = "no " + lib + " (apt-get install libpmix-dev, then restart Slurm)";
        } else {
            try {
                long pid = Long.parseLong(Files.readString(Path.of("/run/slurmd.pid")).strip());
                java.time.Instant started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElseThrow();
                java.time.Instant installed = ((java.nio.file.attribute.FileTime) Files.getAttribute(lib, "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS)).toInstant();
                if (started.isBefore(installed)) why = "slurmd started before libpmix-dev was installed: restart Slurm (scripts/services/slurm.sh stop; start)";
            } catch (Exception e) {
                why = "cannot tell when slurmd started: " + e;
            }
        }
        if (why != null) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM"))) throw new AssertionError("srun --mpi=pmix cannot work here: " + why);
            Assumptions.abort(why);
        }
        lammpsOnTwoRanks(Launcher.AUTO);
    }

    @Test
    void moreRanksOrNodesThanThePartitionHasAreRejectedInOneLine() throws Exception {
        up();
        CommandRunner.Result r = CommandRunner.PROCESSES.run(List.of("sinfo", "-h", "-o", "%P|%D|%c"), 15_000);
        Map<String, int[]> p = SlurmBackend.parseSinfo(r.stdout);
        int[] def = p.get("");
        String name = p.entrySet().stream().filter(e -> e.getValue() == def && !e.getKey().isEmpty()).findFirst().orElseThrow().getKey();
        TaskSpec many = TaskSpec.command("many", "true");
        many.resources.tasks = def[0] * def[1] + 1;
        assertEquals("asks for " + many.resources.tasks + " cpus (" + many.resources.tasks + " ranks x 1) on 1 node; partition '" + name + "' has "
                + def[0] + " node" + (def[0] > 1 ? "s" : "") + " of " + def[1] + " cpus",
                assertThrows(TaskRejectedException.class, () -> scheduler.submit(many)).getMessage());
        TaskSpec nodes = TaskSpec.command("nodes", "true");
        nodes.resources.tasks = def[0] + 1;
        nodes.resources.nodes = def[0] + 1;
        assertEquals("asks for " + (def[0] + 1) + " nodes; partition '" + name + "' has " + def[0],
                assertThrows(TaskRejectedException.class, () -> scheduler.submit(nodes)).getMessage());
        TaskSpec zero = TaskSpec.command("zero", "true");
        zero.resources.tasks = 0;
        assertEquals("tasks (ranks) must be at least 1, got 0", assertThrows(TaskRejectedException.class, () -> scheduler.submit(zero)).getMessage());
        TaskSpec part = TaskSpec.command("part", "true");
        part.resources.tasks = 2;
        part.partition = "nosuch";
        assertTrue(assertThrows(TaskRejectedException.class, () -> scheduler.submit(part)).getMessage().startsWith("unknown Slurm partition 'nosuch' (partitions: "));
    }
}
