package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.Tensor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A Bayesian campaign's surrogate answers through the inference domain while the campaign runs
 * (InferenceService and {@code infer:run}), and stays served after it ends.
 */
class SurrogateIT {

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    static double f(double x, double y) {
        return Math.sin(3 * x) + Math.cos(2 * y);
    }

    /** Evaluations from the 9th on wait for {@link #gate}; the others answer at once. */
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    final Map<String, EvaluationRequest> started = new ConcurrentHashMap<>();

    private ServiceRegistration<Evaluator> registerEvaluator() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Evaluator.NAME, "surrogate-test");
        return context.registerService(Evaluator.class, new Evaluator() {
            @Override
            public String start(EvaluationRequest r) {
                started.put(r.evaluationId, r);
                return r.evaluationId;
            }

            @Override
            public CompletionStage<EvaluationResult> result(String handle) {
                EvaluationRequest r = started.get(handle);
                if (r == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException("unknown handle " + handle));
                }
                double x = ((Number) r.point.get("x")).doubleValue();
                double y = ((Number) r.point.get("y")).doubleValue();
                int index = Integer.parseInt(handle.substring(handle.lastIndexOf('-') + 1));
                CompletableFuture<Void> wait = index >= 8 ? gate : CompletableFuture.completedFuture(null);
                return wait.thenApply(v -> EvaluationResult.of(Map.of("f", f(x, y))));
            }

            @Override
            public void cancel(String handle) {
            }
        }, p);
    }

    private static InferenceResponse predict(InferenceService inference, String model, double x, double y) {
        return inference.infer(InferenceRequest.of(model, Tensor.ofDoubles("x", new long[] {1, 2}, x, y)));
    }

    private static void awaitVersion(ModelRepository repository, String model, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!List.of(version).equals(repository.versions(model).subList(0, Math.min(1, repository.versions(model).size())))) {
            assertTrue(System.nanoTime() < deadline, "version " + version + " of " + model + " served; loaded: " + repository.versions(model));
            Thread.sleep(20);
        }
    }

    @Test
    void theRunningCampaignsSurrogateAnswersAsAnInferenceModel(@InjectService CampaignService campaigns,
            @InjectService(timeout = 30_000) InferenceService inference, @InjectService ModelRepository repository,
            @InjectService(timeout = 30_000) CommandProcessor gogo) throws Exception {
        ServiceRegistration<Evaluator> reg = registerEvaluator();
        try {
            Path file = dir.resolve("surrogate.yaml");
            Files.writeString(file, "name: surr\nseed: 4\n"
                    + "parameters: [{name: x, type: continuous, min: 0, max: 1}, {name: y, type: continuous, min: 0, max: 1}]\n"
                    + "objectives: [{name: f, goal: maximise}]\nbudget: {evaluations: 10}\nbatchSize: 1\n"
                    + "proposer: {kind: bayesian, initialPoints: 4}\n"
                    + "pipeline: [{evaluator: surrogate-test}]\n");
            String id = campaigns.start(file).id;
            String model = id + "-surrogate";
            // the 9th proposal (8 observations) is fitted and served; its evaluation waits for the gate
            awaitVersion(repository, model, "9");
            assertEquals(CampaignState.RUNNING, campaigns.status(id).orElseThrow().state);
            assertTrue(repository.versions(model).size() <= 2, "old versions pruned: " + repository.versions(model));

            EvaluationDTO seen = campaigns.evaluations(id).get(0);
            double sx = ((Number) seen.point.get("x")).doubleValue();
            double sy = ((Number) seen.point.get("y")).doubleValue();
            InferenceResponse there = predict(inference, model, sx, sy);
            assertEquals("9", there.version);
            double stdThere = there.output("std").doubles()[0];
            assertEquals(f(sx, sy), there.output("mean").doubles()[0], 0.05, "mean at an observed point");
            double farStd = 0;
            for (int i = 0; i <= 10; i++) {
                for (int j = 0; j <= 10; j++) {
                    farStd = Math.max(farStd, predict(inference, model, i / 10.0, j / 10.0).output("std").doubles()[0]);
                }
            }
            assertTrue(stdThere < 0.05 && stdThere < farStd / 3, "std " + stdThere + " at an observation, up to " + farStd + " elsewhere");

            // malformed inputs: the inference domain's one-line errors
            InferenceException nan = assertThrows(InferenceException.class, () -> predict(inference, model, Double.NaN, 0.5));
            assertEquals(InferenceException.Kind.INVALID_ARGUMENT, nan.kind());
            assertEquals("input 'x' row 0 (x) is NaN; model '" + model + "' needs finite numbers", nan.getMessage());
            InferenceException shape = assertThrows(InferenceException.class,
                    () -> inference.infer(InferenceRequest.of(model, Tensor.ofDoubles("x", new long[] {1, 3}, 0.1, 0.2, 0.3))));
            assertEquals(InferenceException.Kind.INVALID_ARGUMENT, shape.kind());
            assertEquals("input 'x' has shape [1, 3] but the model expects [-1, 2] (-1: any size)", shape.getMessage());

            // the same through the Gogo command
            PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            CommandSession s = gogo.createSession(InputStream.nullInputStream(), out, out);
            try {
                String run = String.valueOf(s.execute("infer:run " + model + " '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP64\", \"data\": ["
                        + sx + ", " + sy + "]}]}'"));
                assertTrue(run.contains("model " + model + " version 9") && run.contains("mean") && run.contains("std"), run);
                Exception e = assertThrows(Exception.class, () -> s.execute("infer:run " + model
                        + " '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP64\", \"data\": [0.5, 7]}]}'"));
                assertEquals("input 'x' row 0 (y) = 7 is outside [0, 1]", e.getMessage());
            } finally {
                s.close();
            }

            // the campaign ends: its last surrogate stays served
            gate.complete(null);
            CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);
            assertEquals(10, end.done);
            awaitVersion(repository, model, "10");
            assertTrue(inference.isReady(model, null));
            InferenceResponse after = predict(inference, model, sx, sy);
            assertEquals("10", after.version);
            assertFalse(Double.isNaN(after.output("mean").doubles()[0]));
            assertEquals(List.of("10", "9"), repository.versions(model));
        } finally {
            gate.complete(null);
            reg.unregister();
        }
    }
}
