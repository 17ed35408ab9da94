package org.kumiki.campaign.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.simulation.api.dto.ThermoDTO;

class SimulationEvaluatorTest {

    @TempDir
    Path dir;

    final FakeSimulations sims = new FakeSimulations();

    SimulationEvaluator evaluator() throws Exception {
        return new SimulationEvaluator(sims.service(), JournalFactoryComponent.withInterval(5), dir.resolve("journal"));
    }

    static EvaluationRequest request(Object objective) {
        EvaluationRequest r = new EvaluationRequest();
        r.campaignId = "lj-1";
        r.evaluationId = "lj-1-0";
        r.stepName = "md";
        r.attempt = 1;
        r.point.put("T", 1.5);
        r.options.put("spec", Map.of("cells", 3, "steps", 100));
        r.options.put("map", Map.of("T", "temperature"));
        r.options.put("objective", objective);
        return r;
    }

    static final Object PRESSURE = Map.of("pressure", Map.of("column", "press", "reduce", "mean", "last", 2));

    static EvaluationResult join(java.util.concurrent.CompletionStage<EvaluationResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPointIsARunAndTheObjectiveItsReducedThermo() throws Exception {
        SimulationEvaluator e = evaluator();
        String run = e.start(request(PRESSURE));
        assertEquals("run-1", run);
        assertEquals(1.5, sims.specs.get(run).temperature);
        assertEquals(3, sims.specs.get(run).cellsY);
        assertEquals("lj-1-0", sims.specs.get(run).labels.get("campaign.evaluation"));
        assertEquals("lj-1-0-md", sims.specs.get(run).name);
        sims.end(run, "COMPLETED", null, ThermoDTO.of(0, 1.5, -6, -4, 1), ThermoDTO.of(50, 1, -6, -4, 2), ThermoDTO.of(100, 1, -6, -4, 4));
        EvaluationResult r = join(e.result(run));
        assertEquals(Map.of("pressure", 3.0), r.values);
        assertEquals(List.of("simulation:run-1"), r.dataRefs);
        e.close();
    }

    @Test
    void anInterruptedRunIsRedoneAfterARestartAndTheHandleFollowsIt() throws Exception {
        SimulationEvaluator first = evaluator();
        String run = first.start(request(PRESSURE));
        first.close(); // the container stops; the simulation service lists the run INTERRUPTED
        sims.end(run, "INTERRUPTED", "interrupted at step 40 of 100: the container stopped while it ran");
        SimulationEvaluator second = evaluator();
        var result = second.result(run).toCompletableFuture();
        assertEquals(2, sims.specs.size(), "the point was submitted again");
        assertEquals(1.5, sims.specs.get("run-2").temperature);
        assertEquals("lj-1-0", sims.specs.get("run-2").labels.get("campaign.evaluation"));
        second.close();
        // another restart before the redone run ends: the handle still leads to run-2, not a third run
        SimulationEvaluator third = evaluator();
        var again = third.result(run).toCompletableFuture();
        sims.end("run-2", "COMPLETED", null, ThermoDTO.of(0, 1.5, -6, -4, 5), ThermoDTO.of(100, 1.5, -6, -4, 7));
        assertEquals(Map.of("pressure", 6.0), join(again).values);
        assertEquals(Map.of("pressure", 6.0), result.get(10, TimeUnit.SECONDS).values);
        assertEquals(2, sims.specs.size(), "no third run");
        third.cancel(run);
        assertEquals(List.of("run-2"), sims.cancelled, "cancel follows the handle to the run that redid it");
        third.close();
    }

    @Test
    void aFailedRunIsAFailedEvaluationInOneLine() throws Exception {
        SimulationEvaluator e = evaluator();
        String run = e.start(request(PRESSURE));
        sims.end(run, "FAILED", "unstable at step 12: non-finite velocities");
        CompletionException x = assertThrows(CompletionException.class, () -> e.result(run).toCompletableFuture().join());
        assertEquals("run run-1 ended FAILED: unstable at step 12: non-finite velocities", x.getCause().getMessage());
        x = assertThrows(CompletionException.class, () -> e.result("run-99").toCompletableFuture().join());
        assertEquals("unknown simulation run run-99: no run run-99", x.getCause().getMessage());
        e.close();
    }

    @Test
    void badOptionsAndRefusedSpecsFailTheStartInOneLine() throws Exception {
        SimulationEvaluator e = evaluator();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> e.start(request(Map.of("p", Map.of("column", "presure")))));
        assertTrue(x.getMessage().startsWith("option 'objective.p': unknown thermo column 'presure' (known: step, temp,"), x.getMessage());
        EvaluationRequest r = request(PRESSURE);
        r.options.put("spec", Map.of("steps", -5));
        x = assertThrows(IllegalArgumentException.class, () -> e.start(r));
        assertEquals("simulation refused: steps must be >= 0, got -5", x.getMessage());
        assertEquals(0, sims.specs.size());
        e.close();
    }
}
