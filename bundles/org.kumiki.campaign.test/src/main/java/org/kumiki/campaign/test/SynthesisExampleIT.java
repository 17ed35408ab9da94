package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.EvaluatorKind;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.lab.api.RunEngine;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The flagship example, examples/campaigns/synthesis.yaml, as shipped, on the real evaluators:
 * the model as scheduler tasks, robot1/spec1 on the run engine, the archive on the file endpoint.
 */
class SynthesisExampleIT {

    @InjectBundleContext
    BundleContext context;

    @Test
    void theFlagshipRunsToItsBudgetAndScreenedPointsNeverReachTheLab(@InjectService CampaignService campaigns,
            @InjectService RunEngine lab) throws Exception {
        Path example = Path.of(context.getProperty("kumiki.examples"), "campaigns", "synthesis.yaml");
        assertTrue(Files.isRegularFile(example), example.toString());
        CampaignStatusDTO started = campaigns.start(example);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        CampaignStatusDTO end = campaigns.status(started.id).orElseThrow();
        while (!end.state.isTerminal()) {
            assertTrue(System.nanoTime() < deadline, "the flagship did not end: " + end.state + " " + end.done + "/" + end.budget);
            Thread.sleep(50);
            end = campaigns.status(started.id).orElseThrow();
        }
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        List<EvaluationDTO> evs = campaigns.evaluations(started.id);
        System.out.println("flagship " + started.id + ": " + end.message + "; " + end.done + " evaluations, " + end.screened + " screened, "
                + end.experiments + "/" + end.experimentBudget + " experiments, " + end.simulations + " simulations, best yield "
                + (end.best == null ? null : end.best.objectives.get("yield")));
        assertEquals(0, end.failed, evs.stream().filter(e -> e.error != null).map(e -> e.error).collect(Collectors.joining("; ")));
        assertTrue(end.screened > 0, "some points are screened by the model");
        assertTrue(end.experiments > 0 && end.experiments <= end.experimentBudget, end.experiments + " experiments");
        Set<String> labRuns = lab.runs().stream().map(r -> r.uid).collect(Collectors.toSet());
        int measured = 0;
        for (EvaluationDTO e : evs) {
            List<String> steps = e.provenance.stream().map(p -> p.stepName).toList();
            if (e.state == EvaluationState.SCREENED) {
                assertEquals(List.of("model"), steps, e.id + " ran only the model");
                assertEquals(List.of(EvaluatorKind.SIMULATION), e.kinds, e.id);
                assertTrue(e.screenedBy.startsWith("step 'measure' screened: predicted_yield "), e.screenedBy);
                assertTrue(e.dataRefs.stream().noneMatch(labRuns::contains), e.id + " has no lab run: " + e.dataRefs);
                assertTrue(e.objectives.get("predicted_yield") < 0.05, e.objectives.toString());
            } else {
                assertEquals(EvaluationState.COMPLETED, e.state, e.id);
                measured++;
                assertEquals(List.of("model", "measure", "archive"), steps, e.id);
                assertTrue(e.dataRefs.stream().anyMatch(labRuns::contains), e.id + ": its lab run " + e.dataRefs);
                ProvenanceDTO archive = e.provenance.get(2);
                assertTrue(archive.ids.get("sha256").matches("[0-9a-f]{64}"), archive.ids.toString());
                assertTrue(e.dataRefs.stream().anyMatch(r -> r.startsWith("file:") && r.contains("/state/campaign/archive/" + started.id + "/" + e.id + "/")),
                        e.id + " archived under the installation's state: " + e.dataRefs);
            }
        }
        assertEquals(measured, end.experiments, "every measured evaluation, and only those, spent an experiment");
    }
}
