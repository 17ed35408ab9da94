package org.kumiki.simulation.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The simulation domain inside Felix, with the real scheduler, local backend and LAMMPS. */
class SimulationIT {

    @InjectBundleContext
    BundleContext context;

    static final Path LMP = Path.of("/usr/bin/lmp");

    static void requireLammps() {
        if (!Files.isExecutable(LMP)) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_LAMMPS"))) {
                fail("KUMIKI_REQUIRE_LAMMPS=1 but /usr/bin/lmp is missing (apt-get install lammps)");
            }
            Assumptions.abort("/usr/bin/lmp is missing");
        }
    }

    static SimulationSpec small() {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 4;
        s.steps = 200;
        s.thermoEvery = 50;
        s.threads = 1;
        return s;
    }

    static RunDTO await(SimulationService sim, String id) throws Exception {
        return sim.await(id).toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    @Test
    void enginesAreRegistered(@InjectService SimulationService sim) {
        List<EngineDTO> engines = sim.engines();
        assertTrue(engines.stream().anyMatch(e -> e.name.equals("md") && e.available && e.models.contains("lj")), engines.toString());
        assertTrue(engines.stream().anyMatch(e -> e.name.equals("lammps") && e.models.contains("lammps-script")), engines.toString());
    }

    @Test
    void runsTheEmbeddedEngineAndPostsEvents(@InjectService SimulationService sim) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, "org/kumiki/simulation/*");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class,
            e -> events.add(e.getTopic() + " " + e.getProperty("run.id")), p);
        try {
            RunDTO r = sim.submit(small());
            RunDTO done = await(sim, r.id);
            assertEquals(RunState.COMPLETED, done.state, done.message);
            SimulationResultDTO res = sim.results(r.id);
            assertEquals(5, res.thermo.size());
            assertEquals(1.44, res.thermo.get(0).temperature, 1e-12);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean completed = false;
            while (!completed && System.nanoTime() < deadline) {
                String e = events.poll(100, TimeUnit.MILLISECONDS);
                completed = ("org/kumiki/simulation/COMPLETED " + r.id).equals(e);
            }
            assertTrue(completed, "COMPLETED event");
        } finally {
            reg.unregister();
        }
    }

    @Test
    void rejectsNonsenseAtSubmitAndFailsUnstableRuns(@InjectService SimulationService sim) throws Exception {
        SimulationSpec bad = small();
        bad.density = -1;
        assertThrows(SimulationRejectedException.class, () -> sim.submit(bad));
        SimulationSpec unstable = small();
        unstable.timestep = 0.09;
        unstable.steps = 3000;
        RunDTO done = await(sim, sim.submit(unstable).id);
        assertEquals(RunState.FAILED, done.state);
        assertTrue(done.message.contains("unstable"), done.message);
    }

    @Test
    void lammpsErrorsCarryLammpsOwnMessage(@InjectService SimulationService sim) throws Exception {
        requireLammps();
        SimulationSpec s = new SimulationSpec();
        s.engine = "lammps";
        s.model = SimulationSpec.MODEL_LAMMPS_SCRIPT;
        s.script = "units lj\natom_style atomic\nread_data /nonexistent/file.data\n";
        RunDTO done = await(sim, sim.submit(s).id);
        assertEquals(RunState.FAILED, done.state);
        assertTrue(done.message.startsWith("LAMMPS: ERROR: Cannot open file /nonexistent/file.data"), done.message);
    }

    @Test
    void sweepsRunAsSchedulerTasksIntoOneDataset(@InjectService SimulationService sim, @InjectService Scheduler scheduler)
        throws Exception {
        SweepSpec sw = new SweepSpec();
        sw.name = "tsweep";
        sw.base = small();
        sw.grid.put("temperature", List.of(0.8, 1.6));
        sw.grid.put("density", List.of(0.7, 0.8442));
        SweepDTO d = sim.sweep(sw);
        assertEquals(4, d.points);
        assertTrue(d.id.startsWith("sweep-tsweep-"), d.id);
        // the grid campaign submits the points in the background, all in one batch
        SweepDTO done = sim.awaitSweep(d.id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, done.state, done.message);
        assertEquals(4, done.completed);
        assertEquals(4, done.taskIds.size());
        for (String t : done.taskIds) {
            assertEquals(d.id, scheduler.get(t).orElseThrow().spec.labels.get("kumiki.sweep"), "points are scheduler tasks");
        }
        assertEquals(4, done.results.size());
        assertTrue(sim.sweeps().stream().anyMatch(s -> s.id.equals(d.id) && s.state == RunState.COMPLETED));
        List<String> lines = Files.readAllLines(Path.of(done.dataset), StandardCharsets.UTF_8);
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("point,temperature,density,state,finalTemperature"), lines.get(0));
        assertTrue(lines.get(1).startsWith("0,0.8,0.7,COMPLETED,"), lines.get(1));
        assertTrue(lines.get(4).startsWith("3,1.6,0.8442,COMPLETED,"), lines.get(4));
    }

    /**
     * The campaign bundle restarts while the sweep's points run (its tasks are re-attached, none
     * submitted twice); then the simulation bundle restarts and {@code sim:sweep ID} still shows
     * the sweep and its points.
     */
    @Test
    void aSweepGoesOnAcrossBundleRestarts(@InjectService SimulationService sim, @InjectService Scheduler scheduler,
        @InjectService CommandProcessor processor) throws Exception {
        SweepSpec sw = new SweepSpec();
        sw.name = "restart";
        sw.base = small();
        sw.base.steps = 4000;
        sw.base.thermoEvery = 1000;
        sw.grid.put("temperature", List.of(0.9, 1.1));
        sw.grid.put("density", List.of(0.7, 0.8));
        SweepDTO d = sim.sweep(sw);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sim.sweepStatus(d.id).orElseThrow().taskIds.size() < 4) {
            assertTrue(System.nanoTime() < deadline, "the points were not submitted");
            Thread.sleep(20);
        }
        org.osgi.framework.Bundle campaign = bundle("org.kumiki.campaign");
        campaign.stop();
        campaign.start();
        SweepDTO done = sim.awaitSweep(d.id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, done.state, done.message);
        assertEquals(4, done.completed);
        org.kumiki.scheduler.api.dto.TaskFilter f = org.kumiki.scheduler.api.dto.TaskFilter.all();
        f.labels.put("kumiki.sweep", d.id);
        assertEquals(4, scheduler.list(f).size(), "no point was submitted twice");

        org.osgi.framework.Bundle simulation = bundle("org.kumiki.simulation");
        simulation.stop();
        simulation.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(System.in, ps, ps);
        try {
            String shown = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (shown == null) {
                try {
                    shown = String.valueOf(session.execute("sim:sweep " + d.id));
                } catch (Exception e) {
                    assertTrue(System.nanoTime() < deadline, "sim:sweep did not come back: " + e);
                    Thread.sleep(50); // the commands wait for the restarted service
                }
            }
            assertTrue(shown.startsWith(d.id + " COMPLETED points=4 completed=4 failed=0"), shown);
            assertEquals(5, shown.lines().filter(l -> l.contains("COMPLETED")).count(), shown);
            assertTrue(String.valueOf(session.execute("sim:sweep")).contains(d.id));
        } finally {
            session.close();
        }
    }

    org.osgi.framework.Bundle bundle(String name) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + name);
    }

    @Test
    void aLammpsSweepPointAndAFailingPoint(@InjectService SimulationService sim) throws Exception {
        requireLammps();
        SweepSpec sw = new SweepSpec();
        sw.base = small();
        sw.base.engine = "lammps";
        sw.format = "json";
        sw.commandTasks = true; // lmp itself is the scheduler task
        sw.grid.put("timestep", List.of(0.005, 0.09));
        sw.base.steps = 2000;
        sw.base.thermoEvery = 100;
        SweepDTO done = sim.awaitSweep(sim.sweep(sw).id).toCompletableFuture().get(180, TimeUnit.SECONDS);
        assertEquals(RunState.FAILED, done.state);
        assertEquals(1, done.completed);
        assertEquals(1, done.failed);
        String json = Files.readString(Path.of(done.dataset));
        assertTrue(json.contains("\"state\" : [ \"COMPLETED\", \"FAILED\" ]"), json);
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        String reason = root.path("columns").path("message").get(1).asText();
        assertTrue(reason.startsWith("LAMMPS: ERROR") || reason.startsWith("unstable"), reason);
        assertTrue(root.path("columns").path("finalTemperature").get(0).asDouble() > 0, json);
        assertTrue(root.path("columns").path("finalTemperature").get(1).isNull(), json);
        assertTrue(root.path("columns").path("atomStepsPerSecond").get(0).asDouble() > 0, json);
    }

    @Test
    void gogoCommands(@InjectService CommandProcessor processor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(System.in, ps, ps);
        try {
            Object engines = session.execute("sim:engines");
            assertTrue(String.valueOf(engines).contains("md"), String.valueOf(engines));
            Object run = session.execute("sim:run -w -t 120 cells=4 steps=20 threads=1");
            assertTrue(String.valueOf(run).contains("COMPLETED"), String.valueOf(run));
            Exception e = assertThrows(Exception.class, () -> session.execute("sim:run timestep=-1"));
            assertTrue(e.getMessage().contains("timestep"), e.getMessage());
            assertTrue(String.valueOf(session.execute("sim:status")).contains("COMPLETED"));
            Object sweep = session.execute("sim:sweep -w -t 120 cells=4 steps=50 threads=1 temperature=1.0,1.2");
            assertTrue(String.valueOf(sweep).contains("COMPLETED points=2 completed=2 failed=0"), String.valueOf(sweep));
            assertTrue(String.valueOf(sweep).contains("dataset.csv"), String.valueOf(sweep));
            String id = String.valueOf(sweep).substring(0, String.valueOf(sweep).indexOf(' '));
            String shown = String.valueOf(session.execute("sim:sweep " + id));
            assertTrue(shown.contains("POINT") && shown.contains("temperature") && shown.contains("COMPLETED"), shown);
            assertEquals(3, shown.lines().filter(l -> l.contains("COMPLETED")).count(), shown); // the summary and 2 points
            assertTrue(String.valueOf(session.execute("sim:sweep")).contains(id));
        } finally {
            session.close();
        }
    }
}
