package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.campaign.internal.propose.GaussianProcess;
import org.kumiki.campaign.internal.propose.Space;
import org.kumiki.campaign.internal.propose.Surrogates;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** The engine hands every surrogate the Bayesian proposer fits to its listener. */
class SurrogateHookTest {
    @TempDir
    Path dir;

    @Test
    void everyFitOfTheBayesianProposerReachesTheListenerWithItsCampaign() throws Exception {
        List<SurrogateDTO> fits = new CopyOnWriteArrayList<>();
        MemoryEvaluator mem = new MemoryEvaluator(CampaignEngineTest::sphere);
        CampaignDefinition d = CampaignEngineTest.definition("bayesian", 8, 1);
        d.proposer.initialPoints = 4;
        try (CampaignEngine engine = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"),
                name -> "mem".equals(name) ? mem : null, BuiltInProposers::get, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }

                    @Override
                    public void surrogateFitted(SurrogateDTO surrogate) {
                        fits.add(surrogate);
                    }
                }, System::currentTimeMillis)) {
            String id = engine.start(d).id;
            CampaignEngineTest.await("the campaign ends", () -> engine.status(id).orElseThrow().state.isTerminal());
            assertEquals(CampaignState.COMPLETED, engine.status(id).orElseThrow().state);
            // proposals 5 to 8 follow the 4 design points, one fit each
            assertEquals(List.of(4, 5, 6, 7), fits.stream().map(s -> s.proposedSoFar).collect(java.util.stream.Collectors.toList()));
            Space space = new Space(d);
            List<EvaluationDTO> evs = engine.evaluations(id);
            for (SurrogateDTO s : fits) {
                assertEquals(id, s.campaignId);
                assertEquals("t", s.campaignName);
                assertEquals(SurrogateDTO.MATERN52, s.kernel);
                assertEquals(2, s.lengthScales.length);
                assertEquals(s.proposedSoFar, s.targets.length, "every completed evaluation before the proposal");
                for (int i = 0; i < s.targets.length; i++) {
                    EvaluationDTO e = evs.get(i);
                    assertEquals(EvaluationState.COMPLETED, e.state);
                    assertArrayEquals(space.encode(e.point), s.inputs[i], 0);
                    assertEquals(e.score, s.targets[i], 0);
                }
                // what it carries is enough to predict again
                GaussianProcess gp = Surrogates.restore(s);
                double[] at = space.encode(evs.get(0).point);
                assertTrue(Math.abs(gp.predict(at)[0] - evs.get(0).score) < 0.1, "the mean at an observation is close to it");
            }
        } finally {
            mem.shutdown();
        }
    }
}
