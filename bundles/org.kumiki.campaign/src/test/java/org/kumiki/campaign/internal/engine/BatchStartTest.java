package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** Evaluations the engine starts together on one evaluator go through one {@link Evaluator#startAll}. */
class BatchStartTest {
    @TempDir
    Path dir;

    private final Map<String, Evaluator> evaluators = new ConcurrentHashMap<>();
    private final List<CampaignEngine> engines = new ArrayList<>();
    private final MemoryEvaluator memory = new MemoryEvaluator(CampaignEngineTest::sphere);

    /** Batches through startAll; fails the first {@code failures} calls with "queue full". */
    final class Batching implements Evaluator {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger singles = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public String start(EvaluationRequest request) {
            singles.incrementAndGet();
            return memory.start(request);
        }

        @Override
        public List<String> startAll(List<EvaluationRequest> requests) {
            batches.add(requests.size());
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("queue full");
            }
            List<String> out = new ArrayList<>();
            for (EvaluationRequest r : requests) {
                out.add(memory.start(r));
            }
            return out;
        }

        @Override
        public CompletionStage<EvaluationResult> result(String handle) {
            return memory.result(handle);
        }

        @Override
        public void cancel(String handle) {
            memory.cancel(handle);
        }
    }

    private CampaignEngine engine() throws IOException {
        CampaignEngine e = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"), evaluators::get,
                BuiltInProposers::get, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis);
        engines.add(e);
        return e;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (CampaignEngine e : engines) {
            e.close();
        }
        memory.shutdown();
    }

    @Test
    void aFirstBatchStartsWithOneCall() throws Exception {
        Batching b = new Batching();
        evaluators.put("mem", b);
        memory.hold = true;
        CampaignEngine e = engine();
        String id = e.start(CampaignEngineTest.definition("sobol", 6, 3)).id;
        CampaignEngineTest.await("a full batch", () -> memory.pending().size() == 3);
        assertEquals(List.of(3), b.batches);
        assertEquals(0, b.singles.get());
        memory.hold = false;
        memory.completeAll();
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(6, end.done);
        assertEquals(6, memory.starts.get(), "each evaluation started once");
    }

    @Test
    void aRefusedBatchFailsEachEvaluationWithOneLineAndTheRetryPolicyApplies() throws Exception {
        Batching b = new Batching();
        b.failures.set(1);
        evaluators.put("mem", b);
        CampaignEngine e = engine();
        String id = e.start(CampaignEngineTest.definition("sobol", 3, 3)).id;
        CampaignStatusDTO end = CampaignEngineTest.awaitEnd(e, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(0, end.failed);
        for (EvaluationDTO ev : e.evaluations(id)) {
            assertEquals(2, ev.attempt, ev.id + ": the refused start counted as attempt 1");
        }
        assertEquals(3, b.batches.get(0), "the refused call had the whole batch: " + b.batches);
        assertEquals(3, memory.starts.get(), "nothing of the refused batch started");
    }
}
