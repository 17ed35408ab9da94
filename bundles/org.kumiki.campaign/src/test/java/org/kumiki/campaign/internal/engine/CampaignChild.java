package org.kumiki.campaign.internal.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

/**
 * A JVM running one campaign over a journal, for {@link KillTest}: {@code start DIR} starts it,
 * {@code resume DIR} reopens the journal; both write {@code DIR/ended} when it ends.
 */
public final class CampaignChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        FileEvaluator ev = new FileEvaluator(dir.resolve("work"));
        CampaignEngine engine = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"),
                Map.of("file", ev)::get, BuiltInProposers::get, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(org.kumiki.campaign.api.dto.CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, org.kumiki.campaign.api.dto.EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis);
        if ("start".equals(args[0])) {
            CampaignDefinition d = CampaignEngineTest.definition("bayesian", 12, 3, "file");
            engine.start(d);
        }
        String id = "t-1";
        while (!engine.status(id).orElseThrow().state.isTerminal()) {
            // tells the test which handles the engine has recorded
            long recorded = engine.evaluations(id).stream()
                    .filter(e -> e.state == org.kumiki.campaign.api.EvaluationState.RUNNING && e.handle != null).count();
            Files.writeString(dir.resolve("recorded.tmp"), Long.toString(recorded));
            Files.move(dir.resolve("recorded.tmp"), dir.resolve("recorded"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(10);
        }
        Files.writeString(dir.resolve("ended"), engine.status(id).orElseThrow().state.name());
        engine.close();
        System.exit(0);
    }
}
