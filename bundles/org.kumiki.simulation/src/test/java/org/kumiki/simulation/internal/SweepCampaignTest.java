package org.kumiki.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.internal.CampaignServiceImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepPointDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.md.internal.MdEngine;

/**
 * Sweeps as grid campaigns on the real campaign engine and journal, with a scheduler that
 * outlives the services: points are submitted in one batch, and a restart of both services
 * mid-sweep keeps the finished points (not rerun) and re-attaches to the tasks in flight.
 */
class SweepCampaignTest {
    @TempDir
    Path state;

    final FakeScheduler scheduler = new FakeScheduler();
    SimulationServiceImpl worker;
    SimulationServiceImpl sim;
    CampaignServiceImpl campaigns;

    @BeforeEach
    void start() throws Exception {
        worker = new SimulationServiceImpl(state.resolve("worker"), 1);
        worker.addEngine(new MdEngine());
        startServices();
    }

    void startServices() throws Exception {
        sim = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), state.resolve("simulation"), 1);
        sim.addEngine(new MdEngine());
        sim.scheduler = scheduler;
        campaigns = new CampaignServiceImpl(JournalFactoryComponent.withInterval(5), state.resolve("campaign"));
        campaigns.addEvaluator(new SweepEvaluator(sim), Map.of(Evaluator.NAME, Sweeps.EVALUATOR));
        sim.campaigns = campaigns;
    }

    void stopServices() throws Exception {
        Method m = CampaignServiceImpl.class.getDeclaredMethod("deactivate");
        m.setAccessible(true);
        m.invoke(campaigns);
        sim.deactivate();
    }

    @AfterEach
    void stop() throws Exception {
        stopServices();
        worker.deactivate();
    }

    static SweepSpec grid() {
        SweepSpec s = new SweepSpec();
        s.name = "lj grid";
        s.base = SimulationServiceImplTest.small();
        s.base.writeData = false;
        s.grid.put("temperature", List.of(1.0, 1.2));
        s.grid.put("density", List.of(0.8, 0.8442));
        return s;
    }

    static void within(int seconds, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void submitsTheGridInOneBatchAndWritesTheDatasetFromTypedPoints() throws Exception {
        SweepDTO d = sim.sweep(grid());
        assertTrue(d.id.startsWith("sweep-lj_grid-"), d.id);
        within(60, () -> scheduler.submitted() == 4, "4 tasks submitted");
        assertEquals(1, scheduler.batches.size(), "one submitAll for the whole grid");
        scheduler.run(scheduler.ids.get(0), worker);
        scheduler.run(scheduler.ids.get(1), worker);
        scheduler.fail(scheduler.ids.get(2), "node lost");
        scheduler.run(scheduler.ids.get(3), worker);
        SweepDTO done = sim.awaitSweep(d.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.FAILED, done.state);
        assertEquals(3, done.completed);
        assertEquals(1, done.failed);
        assertEquals("1 of 4 points did not complete", done.message);
        assertEquals(scheduler.ids, done.taskIds);
        List<String> lines = Files.readAllLines(Path.of(done.dataset), StandardCharsets.UTF_8);
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("point,temperature,density,state,finalTemperature"), lines.get(0));
        assertTrue(lines.get(1).startsWith("0,1.0,0.8,COMPLETED,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1,1.0,0.8442,COMPLETED,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("2,1.2,0.8,FAILED,"), lines.get(3));
        assertTrue(lines.get(3).endsWith("," + scheduler.ids.get(2) + ",node lost"), lines.get(3));
        assertEquals(4, done.results.size());
        SweepPointDTO p0 = done.results.get(0);
        assertEquals(256, p0.atoms);
        assertEquals(100, p0.steps);
        assertTrue(Double.isFinite(p0.finalTotalEnergy) && Double.isFinite(p0.meanPressure));
        assertTrue(p0.runId.startsWith("run-"), p0.runId);
        assertEquals(List.of(d.id), sim.sweeps().stream().map(s -> s.id).toList());
    }

    @Test
    void aSweepSurvivesARestartMidWay() throws Exception {
        SweepSpec spec = grid();
        spec.format = "json";
        SweepDTO d = sim.sweep(spec);
        within(60, () -> scheduler.submitted() == 4, "4 tasks submitted");
        List<String> tasks = List.copyOf(scheduler.ids);
        scheduler.run(tasks.get(0), worker);
        scheduler.run(tasks.get(1), worker);
        within(60, () -> sim.sweepStatus(d.id).orElseThrow().completed == 2, "2 points recorded");

        stopServices();
        scheduler.run(tasks.get(2), worker); // ends while nothing watches it
        scheduler.awaited.clear();
        startServices();

        // the new life knows the sweep and its finished points without running anything again
        SweepDTO after = sim.sweepStatus(d.id).orElseThrow();
        assertEquals(RunState.RUNNING, after.state);
        assertEquals(4, after.points);
        within(60, () -> sim.sweepStatus(d.id).orElseThrow().completed == 3, "the point that ended meanwhile is recorded");
        assertEquals(List.of(0, 1, 2), sim.sweepStatus(d.id).orElseThrow().results.stream().map(p -> p.point).toList());
        assertTrue(scheduler.awaited.containsAll(tasks.subList(2, 4)), "in-flight tasks re-attached: " + scheduler.awaited);
        assertFalse(scheduler.awaited.contains(tasks.get(0)), "finished points are not followed again");
        scheduler.run(tasks.get(3), worker);
        SweepDTO done = sim.awaitSweep(d.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, done.state, done.message);
        assertEquals(4, done.completed);
        assertEquals(4, scheduler.submitted(), "no point was submitted twice");
        assertEquals(tasks, done.taskIds);
        var json = Json.MAPPER.readTree(Path.of(done.dataset).toFile());
        assertEquals(4, json.get("rows").asInt());
        assertEquals(List.of(0, 1, 2, 3), List.of(json.get("columns").get("point").get(0).asInt(), json.get("columns").get("point").get(1).asInt(),
            json.get("columns").get("point").get(2).asInt(), json.get("columns").get("point").get(3).asInt()));
        assertEquals("COMPLETED", json.get("columns").get("state").get(3).asText());
    }

    @Test
    void abortingTheCampaignCancelsThePointsAndStillWritesTheDataset() throws Exception {
        SweepDTO d = sim.sweep(grid());
        within(60, () -> scheduler.submitted() == 4, "4 tasks submitted");
        scheduler.run(scheduler.ids.get(0), worker);
        within(60, () -> sim.sweepStatus(d.id).orElseThrow().completed == 1, "1 point recorded");
        campaigns.abort(d.id);
        SweepDTO done = sim.awaitSweep(d.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.FAILED, done.state);
        assertEquals("3 of 4 points did not complete (aborted)", done.message);
        for (String t : scheduler.ids.subList(1, 4)) {
            assertEquals(org.kumiki.scheduler.api.TaskState.CANCELLED, scheduler.get(t).orElseThrow().state, t);
        }
        List<String> lines = Files.readAllLines(Path.of(done.dataset), StandardCharsets.UTF_8);
        assertEquals(5, lines.size());
        assertTrue(lines.get(4).startsWith("3,1.2,0.8442,CANCELLED,"), lines.get(4));
    }

    @Test
    void refusesWithoutACampaignServiceAndForDuplicateValues() {
        sim.campaigns = null;
        String m = org.junit.jupiter.api.Assertions.assertThrows(org.kumiki.simulation.api.SimulationRejectedException.class, () -> sim.sweep(grid())).getMessage();
        assertTrue(m.contains("no campaign service"), m);
        SweepSpec dup = grid();
        dup.grid.put("temperature", List.of(1.0, 1.0));
        m = org.junit.jupiter.api.Assertions.assertThrows(org.kumiki.simulation.api.SimulationRejectedException.class, () -> sim.sweep(dup)).getMessage();
        assertEquals("temperature lists 1.0 twice", m);
    }
}
