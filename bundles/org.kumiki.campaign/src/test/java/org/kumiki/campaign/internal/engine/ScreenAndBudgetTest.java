package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.EvaluatorKind;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ScreenDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** Pre-screening before an experiment, and the budget's experiments and simulations counts. */
class ScreenAndBudgetTest {
    @TempDir
    Path dir;

    private final Map<String, Evaluator> evaluators = new ConcurrentHashMap<>();
    private final Map<String, Proposer> proposers = new ConcurrentHashMap<>();
    private final List<EvaluationDTO> ended = new CopyOnWriteArrayList<>();
    private final List<CampaignEngine> engines = new ArrayList<>();
    private final List<MemoryEvaluator> memories = new ArrayList<>();

    private CampaignEngine engine() throws IOException {
        CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"), evaluators::get,
                k -> proposers.containsKey(k) ? proposers.get(k) : BuiltInProposers.get(k), new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                        ended.add(evaluation);
                    }
                }, System::currentTimeMillis);
        engines.add(e);
        return e;
    }

    /** An in-memory evaluator of a kind. */
    private MemoryEvaluator memory(EvaluatorKind kind, java.util.function.Function<EvaluationRequest, EvaluationResult> f) {
        MemoryEvaluator m = new MemoryEvaluator(f);
        m.kind = kind;
        memories.add(m);
        return m;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (CampaignEngine e : engines) {
            e.close();
        }
        memories.forEach(MemoryEvaluator::shutdown);
    }

    /** Simulation "sim" predicts p = x (in [-1, 1]); the experiment "lab" measures f = x + y. */
    private static EvaluationResult predict(EvaluationRequest r) {
        return EvaluationResult.of(Map.of("p", ((Number) r.point.get("x")).doubleValue()));
    }

    private static EvaluationResult measure(EvaluationRequest r) {
        return EvaluationResult.of(Map.of("f", ((Number) r.point.get("x")).doubleValue() + ((Number) r.point.get("y")).doubleValue()));
    }

    private static CampaignDefinition screened(String proposer, int evaluations, int batch, Double min, Double max) {
        CampaignDefinition d = CampaignEngineTest.definition(proposer, evaluations, batch, "sim", "lab");
        d.objectives.get(0).goal = org.kumiki.campaign.api.dto.Goal.MAXIMISE;
        d.pipeline.get(1).screen = new ScreenDTO();
        d.pipeline.get(1).screen.value = "p";
        d.pipeline.get(1).screen.min = min;
        d.pipeline.get(1).screen.max = max;
        return d;
    }

    @Test
    void aPointFailingTheScreenEndsScreenedWithoutRunningTheExperiment() throws Exception {
        MemoryEvaluator sim = memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict);
        MemoryEvaluator lab = memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure);
        evaluators.put("sim", sim);
        evaluators.put("lab", lab);
        CampaignEngine e = engine();
        String id = e.start(screened("sobol", 16, 4, 0.0, null)).id;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals("budget spent", end.message);
        List<EvaluationDTO> evs = e.evaluations(id);
        long screenedCount = evs.stream().filter(ev -> ev.state == EvaluationState.SCREENED).count();
        assertTrue(screenedCount > 0 && screenedCount < 16, "some points screened: " + screenedCount);
        for (EvaluationDTO ev : evs) {
            double x = (Double) ev.point.get("x");
            if (x < 0) {
                assertEquals(EvaluationState.SCREENED, ev.state, ev.id);
                assertEquals("step 'lab' screened: p " + x + " < min 0", ev.screenedBy);
                assertEquals(List.of(EvaluatorKind.SIMULATION), ev.kinds, "no experiment spent");
                assertNull(ev.score);
                assertTrue(lab.requests.values().stream().noneMatch(r -> r.evaluationId.equals(ev.id)), "the lab never saw " + ev.id);
            } else {
                assertEquals(EvaluationState.COMPLETED, ev.state, ev.id + ": " + ev.error);
                assertEquals(List.of(EvaluatorKind.SIMULATION, EvaluatorKind.EXPERIMENT), ev.kinds);
            }
        }
        assertEquals(16 - screenedCount, lab.starts.get());
        assertEquals(16, end.done);
        assertEquals(screenedCount, end.screened);
        assertEquals(16, end.simulations);
        assertEquals(16 - screenedCount, end.experiments);
        assertTrue(ended.stream().anyMatch(ev -> ev.state == EvaluationState.SCREENED), "listeners hear of screened evaluations");
    }

    @Test
    void aMaxScreensFromAbove() throws Exception {
        evaluators.put("sim", memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict));
        MemoryEvaluator lab = memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure);
        evaluators.put("lab", lab);
        CampaignEngine e = engine();
        String id = e.start(screened("sobol", 8, 2, null, 0.25)).id;
        CampaignEngineTest.awaitEnd(e, id);
        for (EvaluationDTO ev : e.evaluations(id)) {
            double x = (Double) ev.point.get("x");
            assertEquals(x > 0.25 ? EvaluationState.SCREENED : EvaluationState.COMPLETED, ev.state, ev.id);
            if (x > 0.25) {
                assertEquals("step 'lab' screened: p " + x + " > max 0.25", ev.screenedBy);
            }
        }
    }

    @Test
    void theExperimentBudgetEndsTheCampaignAndScreenedPointsDoNotSpendIt() throws Exception {
        MemoryEvaluator sim = memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict);
        MemoryEvaluator lab = memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure);
        evaluators.put("sim", sim);
        evaluators.put("lab", lab);
        CampaignEngine e = engine();
        CampaignDefinition d = screened("sobol", 1000, 3, 0.0, null);
        d.budget.experiments = 5;
        String id = e.start(d).id;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals("experiment budget spent (5 experiments)", end.message);
        assertEquals(5, lab.starts.get(), "never more experiments than the budget");
        assertEquals(5, end.experiments);
        assertEquals(5, end.experimentBudget);
        assertEquals(end.proposed - 5, end.screened, "the others were screened and spent no experiment");
        assertTrue(end.screened > 0);
        assertEquals(end.proposed, end.simulations);
    }

    @Test
    void theSimulationBudgetEndsTheCampaign() throws Exception {
        evaluators.put("sim", memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict));
        evaluators.put("lab", memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure));
        CampaignEngine e = engine();
        CampaignDefinition d = screened("random", 1000, 4, -1.0, null);
        d.budget.simulations = 6;
        String id = e.start(d).id;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals("simulation budget spent (6 simulations)", end.message);
        assertEquals(6, end.proposed);
        assertEquals(6, end.simulations);
        assertEquals(6, end.simulationBudget);
        assertEquals(0, end.experimentBudget);
    }

    @Test
    void anEvaluatorOfNoKindSpendsNeitherBudget() throws Exception {
        evaluators.put("mem", memory(EvaluatorKind.OTHER, CampaignEngineTest::sphere));
        CampaignEngine e = engine();
        CampaignDefinition d = CampaignEngineTest.definition("sobol", 5, 2);
        d.budget.experiments = 1;
        d.budget.simulations = 1;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, e.start(d).id);
        assertEquals("budget spent", end.message);
        assertEquals(5, end.done);
        assertEquals(0, end.experiments);
        assertEquals(0, end.simulations);
    }

    @Test
    void aMissingScreenValueFailsTheEvaluationAtOnceWithOneLine() throws Exception {
        evaluators.put("sim", memory(EvaluatorKind.SIMULATION, r -> EvaluationResult.of(Map.of("q", 1.0))));
        MemoryEvaluator lab = memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure);
        evaluators.put("lab", lab);
        CampaignEngine e = engine();
        String id = e.start(screened("sobol", 2, 1, 0.0, null)).id;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals(2, end.failed);
        assertEquals(0, lab.starts.get());
        for (EvaluationDTO ev : e.evaluations(id)) {
            assertEquals("step 'lab': screen value 'p' is not among the earlier steps' values (q)", ev.error);
        }
    }

    @Test
    void theProposerLearnsScreenedPointsAsNoBetterThanTheWorstMeasured() throws Exception {
        evaluators.put("sim", memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict));
        evaluators.put("lab", memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure));
        List<ProposalRequest> seen = new CopyOnWriteArrayList<>();
        Proposer sobol = BuiltInProposers.get("sobol");
        proposers.put("spy", r -> {
            seen.add(r);
            return sobol.propose(r);
        });
        CampaignEngine e = engine();
        String id = e.start(screened("spy", 12, 1, 0.0, null)).id;
        CampaignEngineTest.awaitEnd(e, id);
        ProposalRequest last = seen.get(seen.size() - 1);
        assertEquals(11, last.observations.size(), "completed and screened evaluations are observations");
        Double worst = last.observations.stream().filter(o -> o.state == EvaluationState.COMPLETED).map(o -> o.score)
                .min(Double::compare).orElseThrow();
        List<EvaluationDTO> screenedObs = last.observations.stream().filter(o -> o.state == EvaluationState.SCREENED).toList();
        assertTrue(!screenedObs.isEmpty());
        for (EvaluationDTO o : screenedObs) {
            assertEquals(worst, o.score, "screened " + o.id);
        }
        // and the record itself keeps no score
        assertTrue(e.evaluations(id).stream().filter(ev -> ev.state == EvaluationState.SCREENED).allMatch(ev -> ev.score == null));
    }

    @Test
    void screenedEvaluationsAndKindsSurviveARestart() throws Exception {
        evaluators.put("sim", memory(EvaluatorKind.SIMULATION, ScreenAndBudgetTest::predict));
        evaluators.put("lab", memory(EvaluatorKind.EXPERIMENT, ScreenAndBudgetTest::measure));
        CampaignEngine e = engine();
        String id = e.start(screened("sobol", 6, 2, 0.0, null)).id;
        CampaignStatusDTO first = CampaignEngineTest.awaitEnd(e, id);
        e.close();
        engines.remove(e);
        CampaignStatusDTO again = engine().status(id).orElseThrow();
        assertEquals(first.screened, again.screened);
        assertEquals(first.experiments, again.experiments);
        assertEquals(first.simulations, again.simulations);
        assertTrue(again.screened > 0);
    }
}
