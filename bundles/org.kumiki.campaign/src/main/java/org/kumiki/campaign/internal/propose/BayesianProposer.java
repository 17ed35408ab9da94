package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.special.Erf;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;

/**
 * Bayesian optimisation: a space-filling Sobol design first, then a {@link GaussianProcess} on
 * the scores and expected improvement maximised by multi-start BOBYQA inside the unit cube,
 * with the linear constraints as a penalty during the search and as a hard filter on the
 * answer. A batch is filled with fantasies: the model's mean (Kriging believer) or the worst
 * score seen (constant liar) at each point already chosen or still running.
 */
public final class BayesianProposer implements Proposer {
    static final int HYPER_STARTS = 2;
    static final int MAX_FIT = 32;
    static final int LOCAL_STARTS = 2;

    /** The surrogate fitted by the last {@link #propose} call, or null (see {@link #fitted()}). */
    private SurrogateDTO fitted;
    /** The process behind {@link #fitted}. */
    private GaussianProcess fittedProcess;

    /** The Gaussian process the last {@link #propose} call fitted and used, or null. */
    public GaussianProcess fittedProcess() {
        return fittedProcess;
    }

    /** The surrogate the last {@link #propose} call fitted, or null when it fitted none (design points only). */
    public SurrogateDTO fitted() {
        return fitted;
    }

    @Override
    public List<Map<String, Object>> propose(ProposalRequest r) {
        fitted = null;
        fittedProcess = null;
        Space space = new Space(r.definition);
        List<Map<String, Object>> excluded = BuiltInProposers.excluded(r);
        int init = Designs.defaultInitialPoints(r.definition);
        List<EvaluationDTO> obs = new ArrayList<>();
        for (EvaluationDTO e : r.observations) {
            if (e.score != null && Double.isFinite(e.score)) {
                obs.add(e);
            }
        }
        int sobolCount = obs.size() < 2 ? r.count : Math.max(0, Math.min(r.count, init - r.proposedSoFar));
        List<Map<String, Object>> out = new ArrayList<>(Designs.sobol(space, r.definition.seed, r.proposedSoFar, sobolCount, excluded));
        int remaining = r.count - out.size();
        if (remaining <= 0 || obs.size() < 2) {
            return out;
        }
        RandomGenerator rng = new Well19937c(r.seed);
        int n = obs.size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = space.encode(obs.get(i).point);
            y[i] = obs.get(i).score;
        }
        // hyperparameters refitted on a schedule and recycled in between (see Hyperparameters)
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y,
                Hyperparameters.forObservations(x, y, r.definition.seed, HYPER_STARTS, MAX_FIT));
        fitted = Surrogates.describe(r.definition, gp);
        fittedProcess = gp;
        fitted.proposedSoFar = r.proposedSoFar;
        double incumbent = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            incumbent = Math.max(incumbent, gp.mean(x[i]));
            worst = Math.min(worst, y[i]);
        }
        double xi = 0.01 * spread(y);
        boolean liar = "constant-liar".equals(r.definition.proposer.batchStrategy);
        List<double[]> fx = new ArrayList<>(Arrays.asList(x));
        List<Double> fy = new ArrayList<>();
        for (double v : y) {
            fy.add(v);
        }
        List<Map<String, Object>> fantasies = new ArrayList<>(r.pending);
        fantasies.addAll(out);
        GaussianProcess model = gp;
        for (Map<String, Object> p : fantasies) {
            double[] u = space.encode(p);
            fx.add(u);
            fy.add(liar ? worst : gp.mean(u));
        }
        for (int k = 0; k < remaining; k++) {
            if (fx.size() > n) {
                model = gp.condition(fx.toArray(new double[0][]), fy.stream().mapToDouble(Double::doubleValue).toArray());
            }
            List<Map<String, Object>> taken = new ArrayList<>(excluded);
            taken.addAll(out);
            Map<String, Object> next = maximiseExpectedImprovement(space, model, incumbent, xi, rng, taken, obs);
            if (next == null) {
                break;
            }
            out.add(next);
            double[] u = space.encode(next);
            fx.add(u);
            fy.add(liar ? worst : model.mean(u));
        }
        return out;
    }

    static double expectedImprovement(GaussianProcess gp, double[] u, double best, double xi) {
        double[] ms = gp.predict(u);
        double d = ms[0] - best - xi;
        double s = ms[1];
        if (s < 1e-12) {
            return Math.max(d, 0);
        }
        double z = d / s;
        double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
        double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        return d * cdf + s * pdf;
    }

    private static Map<String, Object> maximiseExpectedImprovement(Space space, GaussianProcess gp, double best, double xi,
            RandomGenerator rng, List<Map<String, Object>> taken, List<EvaluationDTO> obs) {
        int d = space.dims();
        boolean discrete = space.discreteSize() != Long.MAX_VALUE;
        List<double[]> candidates = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int want = 64 + 16 * d;
        for (int t = 0; t < 50 * want && candidates.size() < want; t++) {
            Map<String, Object> p = space.uniform(rng);
            if (space.feasible(p) && !(discrete && space.containsSame(taken, p))) {
                candidates.add(space.encode(p));
            }
        }
        // around the best observations
        List<EvaluationDTO> sorted = new ArrayList<>(obs);
        sorted.sort((a, b) -> Double.compare(b.score, a.score));
        for (int i = 0; i < Math.min(5, sorted.size()); i++) {
            double[] c = space.encode(sorted.get(i).point);
            for (int j = 0; j < 8; j++) {
                double[] u = c.clone();
                for (int k = 0; k < d; k++) {
                    u[k] = Space.clamp(u[k] + 0.05 * rng.nextGaussian());
                }
                Map<String, Object> p = space.decode(u);
                if (space.feasible(p) && !space.containsSame(taken, p)) {
                    candidates.add(space.encode(p));
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        for (double[] c : candidates) {
            values.add(expectedImprovement(gp, c, best, xi));
        }
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values.get(b), values.get(a)));
        double[] bestU = candidates.get(order[0]);
        double bestEi = values.get(order[0]);
        if (d >= 2) {
            double[] lo = new double[d];
            double[] hi = new double[d];
            Arrays.fill(hi, 1.0);
            for (int s = 0; s < Math.min(LOCAL_STARTS, order.length); s++) {
                double[] start = candidates.get(order[s]);
                double[] seenValue = {Double.NEGATIVE_INFINITY};
                double[][] seenPoint = {start};
                try {
                    BOBYQAOptimizer opt = new BOBYQAOptimizer(2 * d + 1, 0.1, 1e-4);
                    opt.optimize(new MaxEval(20 * d + 40), GoalType.MAXIMIZE, new InitialGuess(start),
                            new SimpleBounds(lo, hi), new ObjectiveFunction(u -> {
                                double penalty = space.violation(space.decode(u));
                                double v = expectedImprovement(gp, u, best, xi) - 1e3 * penalty;
                                if (v > seenValue[0]) {
                                    seenValue[0] = v;
                                    seenPoint[0] = u.clone();
                                }
                                return v;
                            }));
                } catch (MathIllegalStateException | IllegalArgumentException e) {
                    // out of evaluations: the best point seen stands
                }
                {
                    Map<String, Object> p = space.decode(seenPoint[0]);
                    if (!space.feasible(p) || space.containsSame(taken, p)) {
                        continue;
                    }
                    double[] snapped = space.encode(p);
                    double ei = expectedImprovement(gp, snapped, best, xi);
                    if (ei > bestEi) {
                        bestEi = ei;
                        bestU = snapped;
                    }
                }
            }
        }
        return space.decode(bestU);
    }

    private static double spread(double[] y) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double sd = 0;
        double m = Arrays.stream(y).average().orElse(0);
        for (double v : y) {
            sd += (v - m) * (v - m);
        }
        sd = Math.sqrt(sd / Math.max(1, y.length - 1));
        return sd > 0 ? sd : Math.max(hi - lo, 1e-9);
    }
}
