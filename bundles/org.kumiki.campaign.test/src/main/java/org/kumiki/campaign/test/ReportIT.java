package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignReports;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Provenance in the framework: the bundles involved (the campaign's and the evaluator service's,
 * by their real symbolic names and versions) and what each evaluation reported, in the journal
 * and in the report and RO-Crate written by {@link CampaignReports}.
 */
class ReportIT {
    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    @Test
    void provenanceNamesTheEvaluatorsBundleAndTheReportCarriesIt(@InjectService CampaignService campaigns,
            @InjectService CampaignReports reports) throws Exception {
        Map<String, EvaluationRequest> started = new ConcurrentHashMap<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Evaluator.NAME, "report-it");
        ServiceRegistration<Evaluator> reg = context.registerService(Evaluator.class, new Evaluator() {
            @Override
            public String start(EvaluationRequest request) {
                String h = "report-it-" + request.evaluationId + "-" + request.attempt;
                started.put(h, request);
                return h;
            }

            @Override
            public CompletionStage<EvaluationResult> result(String handle) {
                EvaluationRequest r = started.get(handle);
                double x = ((Number) r.point.get("x")).doubleValue();
                EvaluationResult res = EvaluationResult.of(Map.of("f", -(x - 0.3) * (x - 0.3)));
                res.provenance.put(EvaluationResult.RUN_UID, "uid-" + r.evaluationId);
                res.provenance.put(EvaluationResult.SHA256, "00".repeat(32));
                return CompletableFuture.completedFuture(res);
            }

            @Override
            public void cancel(String handle) {
            }
        }, props);
        try {
            Path file = dir.resolve("prov.yaml");
            Files.writeString(file, "name: prov\nseed: 5\nparameters: [{name: x, type: continuous, min: 0, max: 1}]\n"
                    + "objectives: [{name: f, goal: maximise}]\nbudget: {evaluations: 5}\nbatchSize: 2\nproposer: {kind: sobol}\n"
                    + "pipeline: [{name: measure, evaluator: report-it}]\n");
            String id = campaigns.start(file).id;
            CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);

            Bundle self = context.getBundle();
            Bundle engine = FrameworkUtil.getBundle(campaigns.getClass());
            Bundle api = FrameworkUtil.getBundle(CampaignService.class);
            assertEquals(self.getVersion().toString(), end.bundles.get(self.getSymbolicName()), end.bundles.toString());
            assertEquals(engine.getVersion().toString(), end.bundles.get("org.kumiki.campaign"), end.bundles.toString());
            assertEquals(api.getVersion().toString(), end.bundles.get("org.kumiki.campaign.api"), end.bundles.toString());
            assertEquals(64, end.sourceHash.length());

            List<EvaluationDTO> evs = campaigns.evaluations(id);
            assertEquals(5, evs.size());
            for (EvaluationDTO e : evs) {
                assertEquals(1, e.provenance.size());
                ProvenanceDTO p = e.provenance.get(0);
                assertEquals("report-it", p.evaluator);
                assertEquals(self.getSymbolicName(), p.bundle);
                assertEquals(self.getVersion().toString(), p.bundleVersion);
                assertEquals("report-it-" + e.id + "-1", p.handle);
                assertEquals("uid-" + e.id, p.ids.get(EvaluationResult.RUN_UID));
                assertTrue(e.proposerState.containsKey("observations"), e.proposerState.toString());
            }

            Path page = reports.report(id, dir.resolve("out/report.html"), null);
            String html = Files.readString(page);
            assertTrue(html.contains("echarts.init") && html.length() > 1_000_000, "ECharts is inlined from the bundle");
            assertTrue(html.contains("uid-" + id + "-0"), "the provenance table lists the run uids");
            String crate = Files.readString(dir.resolve("out/ro-crate-metadata.json"));
            assertTrue(crate.contains("\"@id\" : \"#bundle-" + self.getSymbolicName() + "-" + self.getVersion() + "\""), crate);
            assertTrue(crate.contains("\"sha256\" : \"" + end.sourceHash + "\""), "the campaign file with its hash");
            assertTrue(Files.exists(dir.resolve("out/prov.yaml")), "a copy of the campaign file lies in the crate");
        } finally {
            reg.unregister();
        }
    }
}
