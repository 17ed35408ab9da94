package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** Provenance in the journal: proposer state, each step's evaluator, bundle, handle and reported identifiers. */
class ProvenanceTest {
    @TempDir
    Path dir;

    private final MemoryEvaluator pre = new MemoryEvaluator(r -> EvaluationResult.of(Map.of("g", 1.0)));
    private final MemoryEvaluator measure = new MemoryEvaluator(r -> {
        EvaluationResult res = EvaluationResult.of(Map.of("f", ((Double) r.point.get("x")) * 2));
        res.provenance.put(EvaluationResult.RUN_UID, "run-" + r.evaluationId);
        res.provenance.put(EvaluationResult.SHA256, "ab\ncd"); // hostile: a line break
        return res;
    });

    private CampaignEngine open() throws IOException {
        CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"),
                name -> Map.<String, Evaluator>of("pre", pre, "mem", measure).get(name), BuiltInProposers::get,
                new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis);
        // outside OSGi no class has a bundle: name them as the framework would
        e.bundleOf = type -> type == MemoryEvaluator.class ? Map.entry("org.example.evaluators", "2.3.0")
                : type.getName().startsWith("org.kumiki.campaign.api") ? Map.entry("org.kumiki.campaign.api", "1.0.0")
                : Map.entry("org.kumiki.campaign", "1.0.0");
        return e;
    }

    @AfterEach
    void tearDown() {
        pre.shutdown();
        measure.shutdown();
    }

    @Test
    void recordsProposerStateStepsBundlesAndReportedIdentifiersDurably() throws Exception {
        CampaignDefinition d = CampaignEngineTest.definition("sobol", 4, 2, "pre", "mem");
        d.sourceHash = "0f".repeat(32);
        String id;
        try (CampaignEngine e = open()) {
            id = e.start(d).id;
            CampaignStatusDTO s = CampaignEngineTest.awaitEnd(e, id);
            assertEquals(CampaignState.COMPLETED, s.state);
        }
        // a new engine over the same journal: everything came back from the records
        try (CampaignEngine e = open()) {
            CampaignStatusDTO s = e.status(id).orElseThrow();
            assertEquals("0f".repeat(32), s.sourceHash);
            assertEquals(d.pipeline.size(), s.definition.pipeline.size());
            assertEquals(Map.of("org.kumiki.campaign", "1.0.0", "org.kumiki.campaign.api", "1.0.0", "org.example.evaluators", "2.3.0"), s.bundles);
            List<EvaluationDTO> evs = e.evaluations(id);
            assertEquals(4, evs.size());
            for (EvaluationDTO ev : evs) {
                assertEquals(EvaluationState.COMPLETED, ev.state);
                assertEquals("sobol", ev.proposer);
                assertEquals(CampaignEngine.seedFor(17, ((Number) ev.proposerState.get("proposedSoFar")).intValue()), ev.proposerSeed);
                assertTrue(ev.proposerState.get("observations") instanceof List, ev.proposerState.toString());
                assertEquals(2, ev.provenance.size(), "one record per step");
                ProvenanceDTO p0 = ev.provenance.get(0);
                assertEquals("pre", p0.stepName);
                assertEquals("pre", p0.evaluator);
                assertEquals("org.example.evaluators", p0.bundle);
                assertEquals("2.3.0", p0.bundleVersion);
                assertTrue(p0.handle.startsWith("h"));
                assertTrue(p0.endedAt >= p0.startedAt && p0.startedAt > 0);
                ProvenanceDTO p1 = ev.provenance.get(1);
                assertEquals("mem", p1.evaluator);
                assertEquals("run-" + ev.id, p1.ids.get(EvaluationResult.RUN_UID));
                assertEquals("ab cd", p1.ids.get(EvaluationResult.SHA256), "reported identifiers are kept on one line");
                assertNull(p0.ids.get(EvaluationResult.RUN_UID));
            }
            // the second batch was proposed knowing the first two
            EvaluationDTO later = evs.get(3);
            assertTrue(((List<?>) later.proposerState.get("observations")).size() + ((List<?>) later.proposerState.get("pending")).size() >= 2,
                    later.proposerState.toString());
        }
    }

    @Test
    void recordsEveryAttemptOfAFailingStep() throws Exception {
        MemoryEvaluator flaky = new MemoryEvaluator(r -> {
            if (r.attempt == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return EvaluationResult.of(Map.of("f", 1.0));
        });
        try (CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"), name -> flaky,
                BuiltInProposers::get, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis)) {
            String id = e.start(CampaignEngineTest.definition("random", 1, 1)).id;
            CampaignEngineTest.awaitEnd(e, id);
            EvaluationDTO ev = e.evaluations(id).get(0);
            assertEquals(EvaluationState.COMPLETED, ev.state);
            assertEquals(List.of(1, 2), ev.provenance.stream().map(p -> p.attempt).toList());
            assertTrue(ev.provenance.get(0).endedAt > 0, "the failed attempt is closed too");
        } finally {
            flaky.shutdown();
        }
    }
}
