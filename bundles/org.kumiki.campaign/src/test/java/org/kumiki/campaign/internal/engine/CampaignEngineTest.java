package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.Proposer;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

class CampaignEngineTest {
    @TempDir
    Path dir;

    private final Map<String, Evaluator> evaluators = new ConcurrentHashMap<>();
    private final Map<String, Proposer> proposers = new ConcurrentHashMap<>();
    private final List<CampaignStatusDTO> events = new CopyOnWriteArrayList<>();
    private final List<CampaignEngine> engines = new ArrayList<>();
    private final List<MemoryEvaluator> memories = new ArrayList<>();

    private CampaignEngine engine() throws IOException {
        CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"), evaluators::get,
                k -> proposers.containsKey(k) ? proposers.get(k) : BuiltInProposers.get(k), new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                        events.add(status);
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis);
        engines.add(e);
        return e;
    }

    private MemoryEvaluator memory(java.util.function.Function<EvaluationRequest, EvaluationResult> f) {
        MemoryEvaluator m = new MemoryEvaluator(f);
        memories.add(m);
        return m;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (CampaignEngine e : engines) {
            try {
                e.close();
            } catch (IOException | RuntimeException ex) {
                // halted ones are closed already
            }
        }
        memories.forEach(MemoryEvaluator::shutdown);
    }

    static CampaignDefinition definition(String kind, int budget, int batch, String... steps) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = "t";
        d.seed = 17;
        for (String n : List.of("x", "y")) {
            ParameterDTO p = new ParameterDTO();
            p.name = n;
            p.type = ParameterType.CONTINUOUS;
            p.min = -1;
            p.max = 1;
            d.parameters.add(p);
        }
        ObjectiveDTO o = new ObjectiveDTO();
        o.name = "f";
        o.goal = Goal.MINIMISE;
        d.objectives.add(o);
        d.budget.evaluations = budget;
        d.batchSize = batch;
        d.proposer.kind = kind;
        d.retry.maxAttempts = 2;
        for (String s : steps.length == 0 ? new String[] {"mem"} : steps) {
            StepDTO st = new StepDTO();
            st.name = s;
            st.evaluator = s;
            d.pipeline.add(st);
        }
        return d;
    }

    static EvaluationResult sphere(EvaluationRequest r) {
        double x = ((Number) r.point.get("x")).doubleValue();
        double y = ((Number) r.point.get("y")).doubleValue();
        EvaluationResult res = EvaluationResult.of(Map.of("f", x * x + y * y));
        res.dataRefs.add("mem:" + r.evaluationId);
        return res;
    }

    /** Waits for a condition; generous, since the machine may be loaded. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static CampaignStatusDTO awaitEnd(CampaignEngine e, String id) throws InterruptedException {
        await(id + " to end", () -> e.status(id).orElseThrow().state.isTerminal());
        return e.status(id).orElseThrow();
    }

    @Test
    void runsTheBudgetWithABatchInFlight() throws Exception {
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        evaluators.put("mem", m);
        CampaignEngine e = engine();
        CampaignStatusDTO s = e.start(definition("bayesian", 14, 3));
        CampaignStatusDTO end = awaitEnd(e, s.id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals("budget spent", end.message);
        assertEquals(14, end.done);
        assertEquals(14, m.starts.get());
        assertTrue(m.maxRunning.get() <= 3, "at most a batch in flight: " + m.maxRunning.get());
        List<EvaluationDTO> evs = e.evaluations(s.id);
        assertEquals(14, evs.size());
        for (EvaluationDTO ev : evs) {
            assertEquals(EvaluationState.COMPLETED, ev.state);
            assertEquals("bayesian", ev.proposer);
            assertEquals(List.of("mem:" + ev.id), ev.dataRefs);
            assertEquals(-ev.objectives.get("f"), ev.score, 0);
        }
        assertNotNull(end.best);
        assertTrue(evs.stream().allMatch(ev -> ev.score <= end.best.score));
        assertEquals(CampaignState.RUNNING, events.get(0).state);
        assertEquals(CampaignState.COMPLETED, events.get(events.size() - 1).state);
    }

    @Test
    void aBatchIsKeptFullWhileEvaluationsAreHeld() throws Exception {
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        m.hold = true;
        evaluators.put("mem", m);
        CampaignEngine e = engine();
        String id = e.start(definition("sobol", 7, 3)).id;
        await("a full batch", () -> m.pending().size() == 3);
        m.complete(m.pending().get(0));
        await("the batch refilled", () -> m.starts.get() == 4 && m.pending().size() == 3);
        m.hold = false;
        m.completeAll();
        assertEquals(CampaignState.COMPLETED, awaitEnd(e, id).state);
        assertEquals(3, m.maxRunning.get());
    }

    @Test
    void failuresAndNaNAreRecordedAndRetriedByPolicy() throws Exception {
        MemoryEvaluator m = memory(r -> {
            if (r.evaluationId.endsWith("-2")) {
                throw new IllegalStateException("instrument jammed\nsecond line");
            }
            if (r.evaluationId.endsWith("-3") && r.attempt == 1) {
                return EvaluationResult.of(Map.of("f", Double.NaN));
            }
            if (r.evaluationId.endsWith("-4") && r.attempt == 1) {
                return EvaluationResult.of(Map.of("g", 1.0));
            }
            return sphere(r);
        });
        evaluators.put("mem", m);
        CampaignEngine e = engine();
        String id = e.start(definition("sobol", 6, 2)).id;
        CampaignStatusDTO end = awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state);
        assertEquals(6, end.done);
        assertEquals(1, end.failed);
        List<EvaluationDTO> evs = e.evaluations(id);
        EvaluationDTO jammed = evs.get(2);
        assertEquals(EvaluationState.FAILED, jammed.state);
        assertEquals("step 'mem' attempt 2/2: instrument jammed second line", jammed.error);
        EvaluationDTO nan = evs.get(3);
        assertEquals(EvaluationState.COMPLETED, nan.state);
        assertEquals(2, nan.attempt);
        EvaluationDTO missing = evs.get(4);
        assertEquals(EvaluationState.COMPLETED, missing.state);
        assertEquals(2, missing.attempt);
        assertEquals(9, m.starts.get(), "6 evaluations: three with two attempts each, three with one");
    }

    @Test
    void aCrashedEngineContinuesWithoutRepeatingOrLosingEvaluations() throws Exception {
        // the uninterrupted run
        MemoryEvaluator straight = memory(CampaignEngineTest::sphere);
        evaluators.put("mem", straight);
        CampaignEngine e0 = engine();
        String id0 = e0.start(definition("sobol", 10, 3)).id;
        awaitEnd(e0, id0);
        List<EvaluationDTO> expected = e0.evaluations(id0);
        e0.close();
        engines.remove(e0);

        // the same campaign, killed with three evaluations in flight
        dir = dir.resolve("crash");
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        m.hold = true;
        evaluators.put("mem", m);
        CampaignEngine e1 = engine();
        String id = e1.start(definition("sobol", 10, 3)).id;
        for (int done = 0; done < 4; done++) {
            await("a full batch", () -> m.pending().size() == 3);
            m.complete(m.pending().get(0));
        }
        await("the batch refilled", () -> m.starts.get() == 7 && m.pending().size() == 3);
        await("the handles recorded", () -> e1.evaluations(id).stream().filter(x -> x.state == EvaluationState.RUNNING && x.handle != null).count() == 3);
        e1.halt();
        List<String> inFlight = m.pending();
        assertEquals(3, inFlight.size());
        // the evaluator's work goes on while the engine is down
        m.complete(inFlight.get(0));

        m.hold = false;
        CampaignEngine e2 = engine();
        await("the re-attached evaluations to be running", () -> e2.status(id).orElseThrow().inFlight > 0 || e2.status(id).orElseThrow().done >= 5);
        m.completeAll();
        CampaignStatusDTO end = awaitEnd(e2, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(10, end.done);
        assertEquals(10, m.starts.get(), "no evaluation started twice");
        m.startsPerStep.forEach((k, v) -> assertEquals(1, v.get(), k));
        List<EvaluationDTO> got = e2.evaluations(id);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(expected.get(i).point, got.get(i).point, "the same points as the uninterrupted run");
            assertEquals(EvaluationState.COMPLETED, got.get(i).state);
        }
        // and a third life replays the same records, nothing twice
        e2.close();
        engines.remove(e2);
        CampaignEngine e3 = engine();
        assertEquals(10, e3.evaluations(id).size());
        assertEquals(CampaignState.COMPLETED, e3.status(id).orElseThrow().state);
    }

    @Test
    void anEvaluationTheEvaluatorLostIsRetried() throws Exception {
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        m.hold = true;
        evaluators.put("mem", m);
        CampaignEngine e1 = engine();
        String id = e1.start(definition("sobol", 4, 2)).id;
        await("two running with handles", () -> e1.evaluations(id).stream().filter(x -> x.handle != null).count() == 2);
        e1.halt();
        m.forget();
        m.hold = false;
        CampaignEngine e2 = engine();
        CampaignStatusDTO end = awaitEnd(e2, id);
        assertEquals(CampaignState.COMPLETED, end.state);
        assertEquals(4, end.done);
        assertEquals(0, end.failed);
        EvaluationDTO first = e2.evaluations(id).get(0);
        assertEquals(2, first.attempt);
    }

    @Test
    void stepsRunInOrderAndSeeEarlierValues() throws Exception {
        evaluators.put("pre", memory(r -> EvaluationResult.of(Map.of("pre", ((Number) r.point.get("x")).doubleValue() * 10))));
        evaluators.put("main", memory(r -> EvaluationResult.of(Map.of("f", r.inputs.get("pre") + 1))));
        CampaignEngine e = engine();
        String id = e.start(definition("random", 3, 1, "pre", "main")).id;
        assertEquals(CampaignState.COMPLETED, awaitEnd(e, id).state);
        for (EvaluationDTO ev : e.evaluations(id)) {
            double x = ((Number) ev.point.get("x")).doubleValue();
            assertEquals(x * 10 + 1, ev.objectives.get("f"), 1e-12);
            assertEquals(x * 10, ev.objectives.get("pre"), 1e-12);
            assertEquals("main", ev.stepName);
        }
    }

    @Test
    void pauseResumeAndAbort() throws Exception {
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        m.hold = true;
        evaluators.put("mem", m);
        CampaignEngine e = engine();
        String id = e.start(definition("sobol", 20, 2)).id;
        await("a full batch", () -> m.pending().size() == 2);
        assertEquals(CampaignState.PAUSED, e.pause(id).state);
        m.completeAll();
        await("the batch recorded", () -> e.status(id).orElseThrow().done == 2);
        assertEquals(2, m.starts.get(), "nothing new starts while paused");
        assertEquals("campaign " + id + " is PAUSED, not RUNNING", assertThrows(CampaignException.class, () -> e.pause(id)).getMessage());
        e.resume(id);
        await("a new batch", () -> m.pending().size() == 2);
        CampaignStatusDTO aborted = e.abort(id);
        assertEquals(CampaignState.ABORTED, aborted.state);
        assertEquals(0, aborted.inFlight);
        assertEquals(2, m.cancelled.size());
        assertEquals("campaign " + id + " has ended (ABORTED)", assertThrows(CampaignException.class, () -> e.abort(id)).getMessage());
        assertEquals("unknown campaign 'nope'", assertThrows(CampaignException.class, () -> e.status("x").orElseThrow(() -> new CampaignException("unknown campaign 'nope'"))).getMessage());
        assertEquals("unknown campaign 'nope'", assertThrows(CampaignException.class, () -> e.resume("nope")).getMessage());
    }

    @Test
    void waitsForAMissingEvaluatorThenGoesOn() throws Exception {
        CampaignEngine e = engine();
        String id = e.start(definition("sobol", 3, 3)).id;
        await("the wait to be said", () -> "waiting for evaluator 'mem'".equals(e.status(id).orElseThrow().message));
        evaluators.put("mem", memory(CampaignEngineTest::sphere));
        e.servicesChanged();
        assertEquals(CampaignState.COMPLETED, awaitEnd(e, id).state);
    }

    @Test
    void aFailingProposerFailsTheCampaignWithOneLine() throws Exception {
        evaluators.put("mem", memory(CampaignEngineTest::sphere));
        proposers.put("broken", r -> {
            throw new IllegalArgumentException("cannot think\ntoday");
        });
        CampaignEngine e = engine();
        String id = e.start(definition("broken", 3, 1)).id;
        CampaignStatusDTO end = awaitEnd(e, id);
        assertEquals(CampaignState.FAILED, end.state);
        assertEquals("proposer 'broken' failed: cannot think today", end.message);
    }

    @Test
    void theWallTimeStopsProposing() throws Exception {
        MemoryEvaluator m = memory(CampaignEngineTest::sphere);
        m.hold = true;
        evaluators.put("mem", m);
        long[] now = {1_000_000};
        CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("wall"), evaluators::get, BuiltInProposers::get,
                new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, () -> now[0]);
        engines.add(e);
        CampaignDefinition d = definition("sobol", 100, 2);
        d.budget.wallTimeSeconds = 3600;
        String id = e.start(d).id;
        await("a full batch", () -> m.pending().size() == 2);
        now[0] += 3_600_000;
        m.hold = false;
        m.completeAll();
        CampaignStatusDTO end = awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state);
        assertEquals("wall time reached", end.message);
        assertEquals(2, end.done);
    }

    @Test
    void integerParametersComeBackAsLongAfterARestart() throws Exception {
        evaluators.put("mem", memory(r -> EvaluationResult.of(Map.of("f", ((Long) r.point.get("n")).doubleValue()))));
        CampaignEngine e1 = engine();
        CampaignDefinition d = definition("sobol", 3, 1);
        ParameterDTO n = new ParameterDTO();
        n.name = "n";
        n.type = ParameterType.INTEGER;
        n.min = 1;
        n.max = 5;
        d.parameters.add(n);
        String id = e1.start(d).id;
        assertEquals(CampaignState.COMPLETED, awaitEnd(e1, id).state);
        e1.close();
        engines.remove(e1);
        CampaignEngine e2 = engine();
        for (EvaluationDTO ev : e2.evaluations(id)) {
            assertTrue(ev.point.get("n") instanceof Long, ev.point.toString());
            assertTrue(ev.point.get("x") instanceof Double, ev.point.toString());
        }
    }

    @Test
    void aGridSmallerThanTheBudgetEndsWhenExhausted() throws Exception {
        evaluators.put("mem", memory(CampaignEngineTest::sphere));
        CampaignEngine e = engine();
        CampaignDefinition d = definition("grid", 100, 4);
        d.proposer.gridPoints = 3;
        String id = e.start(d).id;
        CampaignStatusDTO end = awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state);
        assertEquals("the proposer has no more points", end.message);
        assertEquals(9, end.done);
    }
}
