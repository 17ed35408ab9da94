package org.kumiki.quantum.algorithms.internal;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.hipparchus.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/** Classical minimisers: Hipparchus Nelder-Mead and BOBYQA, and a plain SPSA. */
final class Optimizers {
    private Optimizers() {}

    static final class Result {
        final double[] point;
        final double value;
        final int evaluations;

        Result(double[] point, double value, int evaluations) {
            this.point = point;
            this.value = value;
            this.evaluations = evaluations;
        }
    }

    static String normalise(String name) {
        String n = name == null || name.isBlank() ? "nelder-mead" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "nelder-mead": case "neldermead": case "nm": return "nelder-mead";
            case "bobyqa": return "bobyqa";
            case "spsa": return "spsa";
            default: throw new IllegalArgumentException("unknown optimizer '" + name + "' (nelder-mead, bobyqa or spsa)");
        }
    }

    static Result minimise(String optimizer, ToDoubleFunction<double[]> f, double[] start, double step, int maxEval, long seed) {
        if (maxEval < 10) throw new IllegalArgumentException("maxEvaluations must be at least 10");
        int[] count = {0};
        double[] best = {Double.POSITIVE_INFINITY};
        double[][] bestPoint = {start.clone()};
        ToDoubleFunction<double[]> counted = x -> {
            count[0]++;
            double v = f.applyAsDouble(x);
            if (v < best[0]) { best[0] = v; bestPoint[0] = x.clone(); }
            return v;
        };
        switch (normalise(optimizer)) {
            case "bobyqa": {
                int n = start.length;
                if (n < 2) return nelderMead(counted, start, step, maxEval, count, best, bestPoint);
                double[] lo = new double[n], hi = new double[n];
                for (int i = 0; i < n; i++) { lo[i] = start[i] - 2 * Math.PI; hi[i] = start[i] + 2 * Math.PI; }
                try {
                    new BOBYQAOptimizer(2 * n + 1, step, 1e-8).optimize(new MaxEval(maxEval), new ObjectiveFunction(counted::applyAsDouble),
                            GoalType.MINIMIZE, new InitialGuess(start), new SimpleBounds(lo, hi));
                } catch (MathIllegalStateException e) {
                    // evaluation budget spent: keep the best point seen
                }
                return new Result(bestPoint[0], best[0], count[0]);
            }
            case "spsa":
                return spsa(counted, start, maxEval, seed, count, best, bestPoint);
            default:
                return nelderMead(counted, start, step, maxEval, count, best, bestPoint);
        }
    }

    private static Result nelderMead(ToDoubleFunction<double[]> f, double[] start, double step, int maxEval, int[] count, double[] best, double[][] bestPoint) {
        try {
            PointValuePair p = new SimplexOptimizer(1e-10, 1e-10).optimize(new MaxEval(maxEval), new ObjectiveFunction(f::applyAsDouble),
                    GoalType.MINIMIZE, new InitialGuess(start), new NelderMeadSimplex(start.length, step));
            if (p.getValue() < best[0]) return new Result(p.getPoint(), p.getValue(), count[0]);
        } catch (MathIllegalStateException e) {
            // evaluation budget spent: keep the best point seen
        }
        return new Result(bestPoint[0], best[0], count[0]);
    }

    /** Simultaneous perturbation stochastic approximation with Spall's standard gains. */
    private static Result spsa(ToDoubleFunction<double[]> f, double[] start, int maxEval, long seed, int[] count, double[] best, double[][] bestPoint) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = start.length;
        double[] x = start.clone();
        double c = 0.1, alpha = 0.602, gamma = 0.101, bigA = maxEval / 20.0;
        // calibrate a so that the first steps move parameters by about 0.2 rad (Spall 1998)
        double gsum = 0;
        int cal = Math.min(5, Math.max(1, maxEval / 20));
        for (int s = 0; s < cal; s++) {
            double[] xp = new double[n], xm = new double[n];
            for (int i = 0; i < n; i++) {
                double d = r.nextBoolean() ? 1 : -1;
                xp[i] = x[i] + c * d;
                xm[i] = x[i] - c * d;
            }
            gsum += Math.abs(f.applyAsDouble(xp) - f.applyAsDouble(xm)) / (2 * c);
        }
        double gmean = Math.max(gsum / cal, 1e-6);
        double a = 0.2 * Math.pow(bigA + 1, alpha) / gmean;
        int k = 0;
        while (count[0] + 2 <= maxEval) {
            double ak = a / Math.pow(k + 1 + bigA, alpha), ck = c / Math.pow(k + 1, gamma);
            double[] d = new double[n], xp = new double[n], xm = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = r.nextBoolean() ? 1 : -1;
                xp[i] = x[i] + ck * d[i];
                xm[i] = x[i] - ck * d[i];
            }
            double g = (f.applyAsDouble(xp) - f.applyAsDouble(xm)) / (2 * ck);
            for (int i = 0; i < n; i++) x[i] -= ak * g * d[i];
            k++;
        }
        if (count[0] < maxEval) f.applyAsDouble(x);
        return new Result(bestPoint[0], best[0], count[0]);
    }
}
