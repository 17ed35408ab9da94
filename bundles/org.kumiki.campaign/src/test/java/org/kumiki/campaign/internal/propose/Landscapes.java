package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;

/** Test functions and a synchronous propose-evaluate loop. */
final class Landscapes {
    private Landscapes() {
    }

    static final double HARTMANN3_MAX = 3.86278;
    private static final double[] A3 = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H3A = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
    private static final double[][] H3P = {{0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.0381, 0.5743, 0.8828}};

    /** Hartmann-3 on [0,1]^3, maximum 3.86278 at (0.114614, 0.555649, 0.852547). */
    static double hartmann3(double x1, double x2, double x3) {
        double[] x = {x1, x2, x3};
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double e = 0;
            for (int j = 0; j < 3; j++) {
                e += H3A[i][j] * (x[j] - H3P[i][j]) * (x[j] - H3P[i][j]);
            }
            s += A3[i] * Math.exp(-e);
        }
        return s;
    }

    /** Branin on [-5,10] x [0,15], minimum 0.397887. */
    static double branin(double x1, double x2) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    static ParameterDTO continuous(String name, double min, double max) {
        ParameterDTO p = new ParameterDTO();
        p.name = name;
        p.type = ParameterType.CONTINUOUS;
        p.min = min;
        p.max = max;
        return p;
    }

    static ParameterDTO integer(String name, double min, double max) {
        ParameterDTO p = continuous(name, min, max);
        p.type = ParameterType.INTEGER;
        return p;
    }

    static ParameterDTO categorical(String name, String... values) {
        ParameterDTO p = new ParameterDTO();
        p.name = name;
        p.type = ParameterType.CATEGORICAL;
        p.values.addAll(List.of(values));
        return p;
    }

    static CampaignDefinition definition(long seed, String kind, ParameterDTO... ps) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = "t";
        d.seed = seed;
        d.proposer.kind = kind;
        d.parameters.addAll(List.of(ps));
        return d;
    }

    static double num(Map<String, Object> p, String name) {
        return ((Number) p.get(name)).doubleValue();
    }

    /** Runs propose/evaluate in batches; returns every evaluation with its score (noisy) in order. */
    static List<EvaluationDTO> run(Proposer proposer, CampaignDefinition d, ToDoubleFunction<Map<String, Object>> score,
            int budget, int batch, ToDoubleFunction<List<EvaluationDTO>> stop) {
        List<EvaluationDTO> done = new ArrayList<>();
        while (done.size() < budget) {
            ProposalRequest r = new ProposalRequest();
            r.definition = d;
            r.observations = done;
            r.count = Math.min(batch, budget - done.size());
            r.proposedSoFar = done.size();
            r.seed = d.seed * 1_000_003L + done.size();
            List<Map<String, Object>> points = proposer.propose(r);
            if (points.isEmpty()) {
                break;
            }
            for (Map<String, Object> p : points) {
                EvaluationDTO e = new EvaluationDTO();
                e.index = done.size();
                e.point = p;
                e.score = score.applyAsDouble(p);
                done = new ArrayList<>(done);
                done.add(e);
            }
            if (stop != null && stop.applyAsDouble(done) > 0) {
                break;
            }
        }
        return done;
    }
}
