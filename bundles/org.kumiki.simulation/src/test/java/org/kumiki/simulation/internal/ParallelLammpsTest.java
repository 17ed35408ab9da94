package org.kumiki.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.internal.SchedulerImpl;
import org.kumiki.scheduler.local.internal.LocalForSimulationTests;
import org.kumiki.scheduler.slurm.internal.SlurmForSimulationTests;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.lammps.internal.LammpsForSimulationTests;
import org.kumiki.simulation.md.internal.MdEngine;

/**
 * LAMMPS through the simulation service on 2 MPI ranks: one parallel scheduler task
 * (resources.tasks = 2, launcher AUTO) of the plain {@code lmp} command, started by the real
 * local backend (mpirun -np 2) and by the real Slurm (srun --mpi=pmix); its thermo at the last
 * step equals the serial run's and the reference numbers of bench/in.lj.
 */
class ParallelLammpsTest {
    @TempDir
    Path tmp;

    SchedulerImpl scheduler;
    ExecutionBackend backend;
    boolean slurm;
    SimulationServiceImpl service;

    @AfterEach
    void down() {
        if (service != null) service.deactivate();
        if (backend != null) {
            if (slurm) SlurmForSimulationTests.close(backend);
            else LocalForSimulationTests.close(backend);
        }
        if (scheduler != null) scheduler.close();
    }

    void up(String name) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LammpsForSimulationTests.LMP) && Files.isExecutable(Path.of("/usr/bin/mpirun")),
            "needs lammps and openmpi-bin (scripts/services/lammps.sh packages)");
        slurm = name.equals("slurm");
        scheduler = new SchedulerImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("sched"), name, 1000);
        backend = slurm ? SlurmForSimulationTests.backend(200) : LocalForSimulationTests.backend(4);
        scheduler.addBackend(backend, Map.of(ExecutionBackend.NAME, name));
        service = new SimulationServiceImpl(tmp.resolve("sim"), 1);
        service.addEngine(LammpsForSimulationTests.engine());
        service.addEngine(new MdEngine());
        service.scheduler = scheduler;
    }

    /** bench/in.lj: 32,000 atoms, neighbour lists every 20 steps without checks, 100 NVE steps. */
    static SimulationSpec inLj(int ranks, String backend) {
        SimulationSpec s = new SimulationSpec();
        s.name = "lj-" + ranks;
        s.engine = "lammps";
        s.neighborEvery = 20;
        s.neighborCheck = false;
        s.ranks = ranks;
        s.backend = backend;
        return s;
    }

    static int ranks(Path log) throws Exception {
        Matcher m = Pattern.compile("(\\d+) by (\\d+) by (\\d+) MPI processor grid").matcher(Files.readString(log));
        return m.find() ? Integer.parseInt(m.group(1)) * Integer.parseInt(m.group(2)) * Integer.parseInt(m.group(3)) : -1;
    }

    RunDTO await(RunDTO r) throws Exception {
        RunDTO done = service.await(r.id).toCompletableFuture().get(300, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, done.state, done.message);
        return done;
    }

    static ThermoDTO last(List<ThermoDTO> rows) {
        return rows.get(rows.size() - 1);
    }

    /** The serial run in this process, the parallel one through the scheduler: the same thermo. */
    void twoRanksMatchTheSerialRun(String backendName) throws Exception {
        RunDTO serial = service.submit(inLj(1, null));
        assertNull(serial.taskId, "a serial run stays in this process");
        RunDTO two = service.submit(inLj(2, backendName));
        assertNotNull(two.taskId, "a run on 2 ranks is a scheduler task");
        TaskRecordDTO task = scheduler.get(two.taskId).orElseThrow();
        assertEquals(2, task.spec.resources.tasks);
        assertEquals(Launcher.AUTO, task.spec.launcher);
        assertEquals(backendName, task.spec.backend);
        assertEquals(LammpsForSimulationTests.LMP.toString(), task.spec.command.get(0), "the plain program: the backend starts the ranks");
        await(serial);
        RunDTO done = await(two);
        assertEquals(two.taskId, done.taskId);
        Path dir = tmp.resolve("sim/runs").resolve(two.id);
        assertEquals(2, ranks(dir.resolve("log.lammps")), "LAMMPS ran on 2 ranks");
        assertEquals(1, ranks(tmp.resolve("sim/runs").resolve(serial.id).resolve("log.lammps")));

        ThermoDTO s = last(service.results(serial.id).thermo);
        ThermoDTO p = last(service.results(two.id).thermo);
        assertEquals(100, s.step);
        assertEquals(100, p.step);
        // bench/in.lj at step 100 (SLURM.md): Temp 0.7574531, E_pair -5.7585055, TotEng -4.6223613, Press 0.20726105
        for (ThermoDTO t : List.of(s, p)) {
            assertEquals(0.7574531, t.temperature, 5e-8);
            assertEquals(-5.7585055, t.pairEnergy, 5e-8);
            assertEquals(-4.6223613, t.totalEnergy, 5e-8);
            assertEquals(0.20726105, t.pressure, 5e-9);
        }
        // the same numbers to (nearly) the last digit: only the order of the sums differs between 1 and 2 ranks
        assertEquals(s.temperature, p.temperature, 1e-10);
        assertEquals(s.pairEnergy, p.pairEnergy, 1e-10);
        assertEquals(s.totalEnergy, p.totalEnergy, 1e-10);
        assertEquals(s.pressure, p.pressure, 1e-10);
    }

    @Test
    void onTwoRanksOnTheLocalBackendUnderMpirun() throws Exception {
        up("local");
        twoRanksMatchTheSerialRun("local");
    }

    @Test
    void onTwoRanksOnSlurmWithSrun() throws Exception {
        String why = SlurmForSimulationTests.whyNoSlurm();
        if (why != null) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM"))) throw new AssertionError("KUMIKI_REQUIRE_SLURM=1 but " + why);
            Assumptions.abort(why);
        }
        up("slurm");
        twoRanksMatchTheSerialRun("slurm");
        // more ranks than the partition has: the scheduler's check, in one line
        SimulationRejectedException e = assertThrows(SimulationRejectedException.class, () -> service.submit(inLj(100_000 / 25, "slurm")));
        assertTrue(e.getMessage().startsWith("the scheduler refused the run: asks for 4000 cpus (4000 ranks x 1)"), e.getMessage());
    }

    /**
     * The simulation service restarts (its journal kept) while a parallel run's task runs: the
     * task outlives it, and the new service lists the run as RUNNING, not INTERRUPTED, follows the
     * task again once the scheduler is bound, and completes it with the task's results.
     */
    @Test
    void aParallelRunFollowsItsTaskAgainAfterARestart() throws Exception {
        up("local");
        service.deactivate();
        service = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("sim"), 1);
        service.addEngine(LammpsForSimulationTests.engine());
        service.setScheduler(scheduler);
        SimulationSpec spec = inLj(2, "local");
        spec.steps = 300;
        spec.thermoEvery = 100;
        RunDTO run = service.submit(spec);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (scheduler.get(run.taskId).orElseThrow().state != TaskState.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling the task's state
        }
        assertEquals(TaskState.RUNNING, scheduler.get(run.taskId).orElseThrow().state);
        service.deactivate(); // the container stops; the task goes on

        service = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("sim"), 1);
        RunDTO back = service.get(run.id).orElseThrow();
        assertEquals(run.taskId, back.taskId);
        assertTrue(back.state == RunState.RUNNING || back.state == RunState.QUEUED, back.state + ": " + back.message);
        assertEquals("re-attaching to scheduler task " + run.taskId + " after a restart", back.message);
        service.addEngine(LammpsForSimulationTests.engine());
        service.addEngine(new MdEngine());
        service.setScheduler(scheduler);
        RunDTO done = await(back);
        assertEquals(300, last(service.results(run.id).thermo).step);
        assertEquals(2, ranks(tmp.resolve("sim/runs").resolve(run.id).resolve("log.lammps")));
        assertEquals(1, scheduler.get(run.taskId).orElseThrow().attempt, "the task ran once");
        assertEquals(null, done.message);

        // a third start finds the run ended (run.json), not re-attached again
        service.deactivate();
        service = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), tmp.resolve("sim"), 1);
        assertEquals(RunState.COMPLETED, service.get(run.id).orElseThrow().state);
    }

    @Test
    void badRanksAreRejectedInOneLine() throws Exception {
        up("local");
        assertEquals("ranks must be between 1 and 4096, got 0",
            assertThrows(SimulationRejectedException.class, () -> service.submit(inLj(0, null))).getMessage());
        assertEquals("ranks must be between 1 and 4096, got -2",
            assertThrows(SimulationRejectedException.class, () -> service.submit(inLj(-2, null))).getMessage());
        SimulationSpec md = inLj(2, null);
        md.engine = "md";
        assertEquals("engine md runs in-process only: ranks > 1 needs an engine that is a program (lammps)",
            assertThrows(SimulationRejectedException.class, () -> service.submit(md)).getMessage());
        assertEquals("the scheduler refused the run: unknown backend 'nosuch'",
            assertThrows(SimulationRejectedException.class, () -> service.submit(inLj(2, "nosuch"))).getMessage().replaceAll(" \\(.*", ""));
        assertTrue(service.list().isEmpty(), "nothing was kept of the refused runs");
        try (var s = Files.list(tmp.resolve("sim/runs"))) {
            assertEquals(0, s.count(), "no folders left of the refused runs");
        }
    }
}
