package org.kumiki.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.md.internal.MdEngine;

/** The service with the real embedded engine. */
class SimulationServiceImplTest {
    @TempDir
    Path state;

    SimulationServiceImpl service;

    @BeforeEach
    void start() throws Exception {
        service = new SimulationServiceImpl(state, 1);
        service.addEngine(new MdEngine());
    }

    @AfterEach
    void stop() {
        service.deactivate();
    }

    static SimulationSpec small() {
        SimulationSpec s = new SimulationSpec();
        s.name = "small";
        s.cellsX = s.cellsY = s.cellsZ = 4;
        s.steps = 100;
        s.thermoEvery = 25;
        s.threads = 1;
        s.writeData = true;
        return s;
    }

    @Test
    void runsToCompletionKeepsResultsAndReloadsThem() throws Exception {
        RunDTO r = service.submit(small());
        assertTrue(r.id.startsWith("run-"));
        RunDTO done = service.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, done.state, done.message);
        assertEquals("md", done.engine);
        SimulationResultDTO res = service.results(r.id);
        assertEquals(5, res.thermo.size());
        assertEquals(256, res.atoms);
        assertTrue(Files.isRegularFile(Path.of(res.files.get("final.data"))));
        assertEquals(1, service.engines().size());

        // a new service on the same state folder knows the run and its results
        SimulationServiceImpl again = new SimulationServiceImpl(state, 1);
        try {
            assertEquals(RunState.COMPLETED, again.get(r.id).orElseThrow().state);
            assertEquals(5, again.results(r.id).thermo.size());
            assertEquals(res.thermo.get(4).totalEnergy, again.results(r.id).thermo.get(4).totalEnergy);
        } finally {
            again.deactivate();
        }
    }

    @Test
    void anUnstableRunEndsFailedWithTheReason() throws Exception {
        SimulationSpec s = small();
        s.timestep = 0.09;
        s.steps = 3000;
        RunDTO r = service.submit(s);
        RunDTO done = service.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.FAILED, done.state);
        assertTrue(done.message.contains("unstable"), done.message);
        for (var t : service.results(r.id).thermo) {
            assertTrue(Double.isFinite(t.totalEnergy));
        }
    }

    @Test
    void cancelsARun() throws Exception {
        SimulationSpec s = small();
        s.steps = 50_000_000L;
        s.thermoEvery = 1000;
        RunDTO r = service.submit(s);
        assertTrue(service.cancel(r.id));
        RunDTO done = service.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(RunState.CANCELLED, done.state);
        assertFalse(service.cancel(r.id));
    }

    @Test
    void rejectsNonsenseAtSubmit() {
        SimulationSpec s = small();
        s.timestep = -1;
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.submit(s)).getMessage().contains("timestep"));
        SimulationSpec e = small();
        e.engine = "gromacs";
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.submit(e)).getMessage().contains("unknown engine"));
        SimulationSpec m = small();
        m.model = "lammps-script";
        m.script = "units lj";
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.submit(m)).getMessage().contains("no available engine"));
        assertThrows(SimulationRejectedException.class, () -> service.submit(null));
        assertThrows(SimulationRejectedException.class, () -> service.results("run-nope"));
        assertThrows(SimulationRejectedException.class, () -> service.cancel(null));
        assertTrue(service.get("run-nope").isEmpty());
        assertTrue(service.list().isEmpty(), "rejected specs leave no runs");
    }

    @Test
    void rejectsBadSweepsAndNeedsAScheduler() {
        SweepSpec sw = new SweepSpec();
        sw.base = small();
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.sweep(sw)).getMessage().contains("empty grid"));
        sw.grid.put("colour", List.of(1.0));
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.sweep(sw)).getMessage().contains("unknown sweep parameter"));
        sw.grid.clear();
        sw.grid.put("temperature", List.of(1.0, Double.NaN));
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.sweep(sw)).getMessage().contains("non-finite"));
        sw.grid.put("temperature", List.of(1.0, 2.0));
        sw.format = "xml";
        assertThrows(SimulationRejectedException.class, () -> service.sweep(sw));
        sw.format = "csv";
        assertTrue(assertThrows(SimulationRejectedException.class, () -> service.sweep(sw)).getMessage().contains("no scheduler"));
    }

    @Test
    void theSchedulerFunctionRunsASpecAndSummarisesIt() throws Exception {
        String out = service.apply("{\"spec\":" + Json.MAPPER.writeValueAsString(small()) + "}", new org.kumiki.scheduler.api.spi.TaskFunction.Context() {
            @Override
            public String taskId() {
                return "task-1";
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
        var node = Json.MAPPER.readTree(out);
        assertEquals("COMPLETED", node.get("state").asText());
        assertEquals(100, node.get("final").get("step").asLong());
        assertTrue(node.get("mean").get("temperature").asDouble() > 0);
        assertThrows(Exception.class, () -> service.apply("{\"spec\":{\"timestep\":-1}}", null));
        assertThrows(Exception.class, () -> service.apply("{\"spec\":{\"bogus\":1}}", null));
        assertThrows(Exception.class, () -> service.apply("[1,2", null));
        assertThrows(Exception.class, () -> service.apply(null, null));
        assertTrue(!node.has("thermo"), "thermo rows only when asked");
    }

    @Test
    void theSchedulerFunctionReturnsEveryThermoRowWhenAsked() throws Exception {
        String out = service.apply("{\"thermo\":true,\"spec\":" + Json.MAPPER.writeValueAsString(small()) + "}",
                new org.kumiki.scheduler.api.spi.TaskFunction.Context() {
                    @Override
                    public String taskId() {
                        return "task-2";
                    }

                    @Override
                    public boolean isCancelled() {
                        return false;
                    }
                });
        var node = Json.MAPPER.readTree(out);
        assertEquals(5, node.get("thermo").size(), "steps 100, thermo every 25: rows at 0, 25, 50, 75, 100");
        assertEquals(100, node.get("thermo").get(4).get("step").asLong());
        assertEquals(node.get("final").get("pressure").asDouble(), node.get("thermo").get(4).get("pressure").asDouble());
    }

    @Test
    void appliesGridPoints() {
        SimulationSpec s = SimulationServiceImpl.withPoint(small(), Map.of("temperature", 2.0, "steps", 10.0));
        assertEquals(2.0, s.temperature);
        assertEquals(10, s.steps);
        assertEquals(1.44, small().temperature);
    }
}
