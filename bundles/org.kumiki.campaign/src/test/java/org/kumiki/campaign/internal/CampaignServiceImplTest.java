package org.kumiki.campaign.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.platform.internal.JournalFactoryComponent;

class CampaignServiceImplTest {

    /** Evaluates (x - 0.3)^2 at once; the handle carries the point. */
    static final class Quadratic implements Evaluator {
        @Override
        public String start(EvaluationRequest r) {
            return Double.toString(((Number) r.point.get("x")).doubleValue());
        }

        @Override
        public CompletionStage<EvaluationResult> result(String handle) {
            double x = Double.parseDouble(handle);
            return CompletableFuture.completedFuture(EvaluationResult.of(Map.of("loss", (x - 0.3) * (x - 0.3))));
        }

        @Override
        public void cancel(String handle) {
        }
    }

    @Test
    void startsACampaignFromAFileWithTheRegisteredEvaluator(@TempDir Path dir) throws Exception {
        CampaignServiceImpl s = new CampaignServiceImpl(JournalFactoryComponent.withInterval(5), dir);
        try {
            Path file = dir.resolve("c.yaml");
            Files.writeString(file, "name: quad\nparameters: [{name: x, type: continuous, min: 0, max: 1}]\n"
                    + "objectives: [{name: loss, goal: minimise}]\nbudget: {evaluations: 12}\nproposer: {kind: bayesian, initialPoints: 4}\n"
                    + "pipeline: [{evaluator: quad}]\n");
            CampaignException e = assertThrows(CampaignException.class, () -> s.start(file));
            assertEquals(file + ":6:24: unknown evaluator 'quad' (known: none registered)", e.getMessage());
            s.addEvaluator(new Quadratic(), Map.of(Evaluator.NAME, "quad"));
            CampaignStatusDTO st = s.start(file);
            assertEquals("quad-1", st.id);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!s.status(st.id).orElseThrow().state.isTerminal() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            CampaignStatusDTO end = s.status(st.id).orElseThrow();
            assertEquals(CampaignState.COMPLETED, end.state);
            assertEquals(12, end.done);
            double bestX = ((Number) end.best.point.get("x")).doubleValue();
            assertTrue(Math.abs(bestX - 0.3) < 0.05, "best x " + bestX);
            assertEquals(64, end.sourceHash.length());
            assertEquals(1, s.list().size());
        } finally {
            s.deactivate();
        }
    }
}
