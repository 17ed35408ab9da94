package org.kumiki.campaign.surrogate.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.hipparchus.random.Well19937c;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.internal.propose.BayesianProposer;
import org.kumiki.campaign.internal.propose.GaussianProcess;
import org.kumiki.campaign.internal.propose.Space;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.internal.ModelManager;

/** The proposer's surrogate, written to a real model repository and served by the real inference service. */
class SurrogateServingTest {

    @TempDir
    Path repo;

    private ModelManager manager;

    private static ParameterDTO param(String name, ParameterType type, double min, double max, String... values) {
        ParameterDTO p = new ParameterDTO();
        p.name = name;
        p.type = type;
        p.min = min;
        p.max = max;
        p.values = List.of(values);
        return p;
    }

    private static CampaignDefinition definition(Goal goal) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = "gp";
        d.seed = 5;
        d.parameters = List.of(param("a", ParameterType.CONTINUOUS, 0, 1), param("t", ParameterType.INTEGER, 20, 80),
                param("s", ParameterType.CATEGORICAL, 0, 0, "water", "ethanol", "acetone"));
        ObjectiveDTO o = new ObjectiveDTO();
        o.name = "yield";
        o.goal = goal;
        o.weight = 2;
        d.objectives = List.of(o);
        d.proposer.kind = "bayesian";
        d.proposer.initialPoints = 4;
        return d;
    }

    private static double truth(Map<String, Object> p) {
        double a = ((Number) p.get("a")).doubleValue();
        double t = ((Number) p.get("t")).doubleValue();
        return Math.sin(3 * a) + 0.01 * t + ("ethanol".equals(p.get("s")) ? 0.5 : 0);
    }

    /** Observations at seeded random points, and the proposal request the engine would make. */
    private static ProposalRequest request(CampaignDefinition d, int n, double scoreSign) {
        Space space = new Space(d);
        Well19937c rng = new Well19937c(11);
        ProposalRequest r = new ProposalRequest();
        r.definition = d;
        for (int i = 0; i < n; i++) {
            EvaluationDTO e = new EvaluationDTO();
            e.index = i;
            e.point = new LinkedHashMap<>(space.uniform(rng));
            e.objectives = Map.of("yield", truth(e.point));
            e.score = scoreSign * d.objectives.get(0).weight * truth(e.point);
            r.observations.add(e);
        }
        r.count = 1;
        r.proposedSoFar = n;
        r.seed = 99;
        return r;
    }

    private SurrogatePublisher publisher() {
        manager = new ModelManager(repo, 2, false);
        manager.addEngine(new GpEngine(), Map.of(InferenceEngine.PLATFORM, GpEngine.PLATFORM));
        return new SurrogatePublisher(manager, repo, 2);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.deactivate();
        }
    }

    private InferenceResponse infer(String model, long rows, double... raw) {
        return manager.infer(InferenceRequest.of(model, Tensor.ofDoubles("x", new long[] {rows, 3}, raw)));
    }

    @Test
    void theServedPredictionEqualsTheProposersGaussianProcessAtRandomPoints() throws Exception {
        CampaignDefinition d = definition(Goal.MAXIMISE);
        ProposalRequest r = request(d, 14, 1);
        BayesianProposer proposer = new BayesianProposer();
        assertEquals(1, proposer.propose(r).size());
        SurrogateDTO s = proposer.fitted();
        assertNotNull(s, "the proposer hands out its fitted process");
        s.campaignId = "gp-1";
        // the process the proposer fitted and used for its proposal
        Space space = new Space(d);
        double[] y = new double[14];
        for (int i = 0; i < 14; i++) {
            y[i] = r.observations.get(i).score;
        }
        GaussianProcess gp = proposer.fittedProcess();
        assertNotNull(gp);
        assertArrayEquals(gp.lengthScales(), s.lengthScales, 0);
        assertArrayEquals(y, s.targets, 0);

        assertEquals("15", publisher().publish(s));
        Well19937c rng = new Well19937c(3);
        int n = 50;
        double[] raw = new double[3 * n];
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = space.uniform(rng);
            points.add(p);
            raw[3 * i] = ((Number) p.get("a")).doubleValue();
            raw[3 * i + 1] = ((Number) p.get("t")).doubleValue();
            raw[3 * i + 2] = List.of("water", "ethanol", "acetone").indexOf(p.get("s"));
        }
        InferenceResponse resp = infer("gp-1-surrogate", n, raw);
        assertEquals("15", resp.version);
        double[] mean = resp.output("mean").doubles();
        double[] std = resp.output("std").doubles();
        for (int i = 0; i < n; i++) {
            double[] ms = gp.predict(space.encode(points.get(i)));
            // one maximised objective of weight 2: served in the objective's units
            assertEquals(ms[0] / 2, mean[i], 1e-9 * Math.max(1, Math.abs(ms[0])), "mean at " + points.get(i));
            assertEquals(ms[1] / 2, std[i], 1e-9 * Math.max(1, ms[1]), "std at " + points.get(i));
        }
        // close to the observations where it observed, unsure far from them
        Map<String, Object> seen = r.observations.get(0).point;
        double[] at = {((Number) seen.get("a")).doubleValue(), ((Number) seen.get("t")).doubleValue(),
                List.of("water", "ethanol", "acetone").indexOf(seen.get("s"))};
        InferenceResponse there = infer("gp-1-surrogate", 1, at);
        assertEquals(truth(seen), there.output("mean").doubles()[0], 0.05);
    }

    @Test
    void aMinimisedObjectiveIsServedInItsOwnUnits() throws Exception {
        CampaignDefinition d = definition(Goal.MINIMISE);
        ProposalRequest r = request(d, 10, -1);
        BayesianProposer proposer = new BayesianProposer();
        proposer.propose(r);
        SurrogateDTO s = proposer.fitted();
        s.campaignId = "min-1";
        publisher().publish(s);
        Map<String, Object> seen = r.observations.get(3).point;
        double[] at = {((Number) seen.get("a")).doubleValue(), ((Number) seen.get("t")).doubleValue(),
                List.of("water", "ethanol", "acetone").indexOf(seen.get("s"))};
        double mean = infer("min-1-surrogate", 1, at).output("mean").doubles()[0];
        assertEquals(truth(seen), mean, 0.05, "the loss, not the (negated, weighted) score");
    }

    @Test
    void aDesignOnlyProposalFitsNoSurrogate() {
        CampaignDefinition d = definition(Goal.MAXIMISE);
        ProposalRequest r = request(d, 1, 1);
        BayesianProposer proposer = new BayesianProposer();
        proposer.propose(r);
        assertNull(proposer.fitted());
    }

    @Test
    void malformedInputsGetOneLineInvalidArgumentErrors() throws Exception {
        CampaignDefinition d = definition(Goal.MAXIMISE);
        BayesianProposer proposer = new BayesianProposer();
        proposer.propose(request(d, 8, 1));
        SurrogateDTO s = proposer.fitted();
        s.campaignId = "bad-1";
        publisher().publish(s);
        String m = "bad-1-surrogate";
        assertInvalid("input 'x' row 0 (a) is NaN; model 'bad-1-surrogate' needs finite numbers", () -> infer(m, 1, Double.NaN, 30, 0));
        assertInvalid("input 'x' row 1 (t) is Infinity; model 'bad-1-surrogate' needs finite numbers",
                () -> infer(m, 2, 0.5, 30, 0, 0.5, Double.POSITIVE_INFINITY, 0));
        assertInvalid("input 'x' row 0 (a) = 1.5 is outside [0, 1]", () -> infer(m, 1, 1.5, 30, 0));
        assertInvalid("input 'x' row 0 (t) = 30.5 must be a whole number in [20, 80]", () -> infer(m, 1, 0.5, 30.5, 0));
        assertInvalid("input 'x' row 0 (s) = 3 must be the index (0 to 2) of one of [water, ethanol, acetone]", () -> infer(m, 1, 0.5, 30, 3));
        assertInvalid("input 'x' has shape [1, 2] but the model expects [-1, 3] (-1: any size)",
                () -> manager.infer(InferenceRequest.of(m, Tensor.ofDoubles("x", new long[] {1, 2}, 0.5, 30))));
        assertInvalid("input 'x' must be FP64, got FP32",
                () -> manager.infer(InferenceRequest.of(m, Tensor.ofFloats("x", new long[] {1, 3}, 0.5f, 30, 0))));
        assertInvalid("model 'bad-1-surrogate' has no input named 'y'; its inputs are [x]",
                () -> manager.infer(InferenceRequest.of(m, Tensor.ofDoubles("y", new long[] {1, 3}, 0.5, 30, 0))));
    }

    private static void assertInvalid(String message, org.junit.jupiter.api.function.Executable call) {
        InferenceException e = assertThrows(InferenceException.class, call);
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(message, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void everyRefitIsANewVersionAndOnlyTheNewestTwoAreKept() throws Exception {
        CampaignDefinition d = definition(Goal.MAXIMISE);
        SurrogatePublisher publisher = publisher();
        for (int n = 6; n <= 9; n++) {
            BayesianProposer proposer = new BayesianProposer();
            proposer.propose(request(d, n, 1));
            SurrogateDTO s = proposer.fitted();
            s.campaignId = "ver-1";
            assertEquals(Integer.toString(n + 1), publisher.publish(s));
            assertEquals(Integer.toString(n + 1), infer("ver-1-surrogate", 1, 0.5, 30, 1).version);
        }
        assertEquals(List.of("10", "9"), manager.versions("ver-1-surrogate"));
        try (Stream<Path> s = Files.list(repo.resolve("ver-1-surrogate"))) {
            assertEquals(java.util.Set.of("10", "9", "config.json"), s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        String config = Files.readString(repo.resolve("ver-1-surrogate/config.json"));
        assertTrue(config.contains("\"platform\" : \"kumiki_gp\""), config);
        assertTrue(config.contains("\"input_columns\" : \"a,t,s\""), config);
    }

    @Test
    void aDamagedModelFileIsReportedInOneLineAndTheOtherVersionKeepsServing() throws Exception {
        CampaignDefinition d = definition(Goal.MAXIMISE);
        SurrogatePublisher publisher = publisher();
        BayesianProposer proposer = new BayesianProposer();
        proposer.propose(request(d, 6, 1));
        SurrogateDTO s = proposer.fitted();
        s.campaignId = "dmg-1";
        publisher.publish(s);
        Path v8 = Files.createDirectories(repo.resolve("dmg-1-surrogate/8"));
        Files.writeString(v8.resolve("model.json"), "{\"kernel\": \"matern52\", \"inputs\": [[0.1]], ");
        InferenceException e = assertThrows(InferenceException.class, () -> manager.load("dmg-1-surrogate"));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().startsWith("model 'dmg-1-surrogate' failed to load: version 8: " + v8.resolve("model.json") + " is not a surrogate: "),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertEquals("7", infer("dmg-1-surrogate", 1, 0.5, 30, 1).version);
        Files.writeString(v8.resolve("model.json"), "{\"kernel\": \"rbf\"}");
        e = assertThrows(InferenceException.class, () -> manager.load("dmg-1-surrogate"));
        assertTrue(e.getMessage().endsWith("unknown kernel 'rbf'; this build knows matern52"), e.getMessage());
    }
}
