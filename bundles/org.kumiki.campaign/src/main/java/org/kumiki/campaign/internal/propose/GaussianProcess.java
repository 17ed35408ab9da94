package org.kumiki.campaign.internal.propose;

import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.random.RandomGenerator;

/**
 * Gaussian-process regression with a Matérn 5/2 kernel with one length scale per input (ARD), a
 * signal variance and a noise variance, on standardised targets. Hyperparameters maximise the
 * log marginal likelihood (Hipparchus' BOBYQA from several starts); the Cholesky factor is
 * Hipparchus'.
 */
public final class GaussianProcess {
    static final double LOG_LENGTH_MIN = Math.log(0.02);
    static final double LOG_LENGTH_MAX = Math.log(20);
    static final double LOG_SIGNAL_MIN = Math.log(0.05);
    static final double LOG_SIGNAL_MAX = Math.log(20);
    static final double LOG_NOISE_MIN = Math.log(1e-5);
    static final double LOG_NOISE_MAX = Math.log(2);
    private static final double SQRT5 = Math.sqrt(5);

    private final double[][] x;
    private final double[] targets;
    private final double[] yMean;
    private final double yScale;
    private final double yOffset;
    /** log length scales, log signal variance, log noise variance. */
    private final double[] theta;
    private final double[] inverseLength2;
    private final double signal;
    private final double noise;
    private final double[][] lower;
    private final double[] alpha;
    private final double logLikelihood;

    private GaussianProcess(double[][] x, double[] y, double offset, double scale, double[] theta) {
        this.x = x;
        this.targets = y;
        this.yOffset = offset;
        this.yScale = scale;
        this.theta = theta.clone();
        int d = x[0].length;
        this.inverseLength2 = new double[d];
        for (int k = 0; k < d; k++) {
            inverseLength2[k] = Math.exp(-2 * theta[k]);
        }
        this.signal = Math.exp(theta[d]);
        this.noise = Math.exp(theta[d + 1]);
        int n = x.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (y[i] - offset) / scale;
        }
        this.yMean = z;
        RealMatrix k = MatrixUtils.createRealMatrix(covariance(x, inverseLength2, signal, noise));
        CholeskyDecomposition chol = cholesky(k);
        this.lower = chol.getL().getData();
        this.alpha = chol.getSolver().solve(MatrixUtils.createRealVector(z)).toArray();
        double fit = 0;
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            fit += z[i] * alpha[i];
            logDet += Math.log(lower[i][i]);
        }
        this.logLikelihood = -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
    }

    private static CholeskyDecomposition cholesky(RealMatrix k) {
        double jitter = 0;
        for (int attempt = 0; ; attempt++) {
            try {
                return new CholeskyDecomposition(k, 1e-6, 1e-12);
            } catch (MathIllegalArgumentException e) {
                if (attempt == 5) {
                    throw e;
                }
                double add = jitter == 0 ? 1e-8 : jitter * 9;
                jitter += add;
                for (int i = 0; i < k.getRowDimension(); i++) {
                    k.addToEntry(i, i, add);
                }
            }
        }
    }

    /**
     * Fits hyperparameters by maximising the log marginal likelihood from {@code starts} starting
     * points (the first a fixed, sensible one, the others random), on at most {@code maxFit}
     * observations (a seeded sample, the best ones always included), then conditions on all.
     */
    public static GaussianProcess fit(double[][] x, double[] y, RandomGenerator rng, int starts, int maxFit) {
        return withHyperparameters(x, y, fitHyperparameters(x, y, rng, starts, maxFit));
    }

    /**
     * A process conditioned on {@code x, y} (targets standardised by their own mean and standard
     * deviation) with given hyperparameters: log length scales, log signal variance, log noise
     * variance, as {@link #hyperparameters()} and {@link #fitHyperparameters} give them.
     */
    public static GaussianProcess withHyperparameters(double[][] x, double[] y, double[] theta) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("a Gaussian process needs as many targets as inputs, at least one");
        }
        if (theta.length != x[0].length + 2) {
            throw new IllegalArgumentException("a Gaussian process on " + x[0].length + " coordinates needs " + (x[0].length + 2) + " hyperparameters, not " + theta.length);
        }
        double offset = average(y);
        return new GaussianProcess(x, y, offset, std(y, offset), theta);
    }

    /** log length scales, log signal variance, log noise variance (a copy). */
    public double[] hyperparameters() {
        return theta.clone();
    }

    /**
     * The hyperparameters {@link #fit} chooses: the log marginal likelihood maximised by BOBYQA from
     * {@code starts} starting points on at most {@code maxFit} of the observations.
     */
    public static double[] fitHyperparameters(double[][] x, double[] y, RandomGenerator rng, int starts, int maxFit) {
        if (x.length == 0) {
            throw new IllegalArgumentException("no observations");
        }
        double offset = average(y);
        double scale = std(y, offset);
        int d = x[0].length;
        double[][] fx = x;
        double[] fy = y;
        if (x.length > maxFit) {
            Integer[] order = new Integer[x.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(y[b], y[a]));
            int keepBest = maxFit / 4;
            int[] pick = new int[maxFit];
            for (int i = 0; i < keepBest; i++) {
                pick[i] = order[i];
            }
            // a seeded partial shuffle of the rest
            int[] rest = new int[order.length - keepBest];
            for (int i = 0; i < rest.length; i++) {
                rest[i] = order[keepBest + i];
            }
            for (int i = 0; i < maxFit - keepBest; i++) {
                int j = i + rng.nextInt(rest.length - i);
                int t = rest[i];
                rest[i] = rest[j];
                rest[j] = t;
                pick[keepBest + i] = rest[i];
            }
            fx = new double[maxFit][];
            fy = new double[maxFit];
            for (int i = 0; i < maxFit; i++) {
                fx[i] = x[pick[i]];
                fy[i] = y[pick[i]];
            }
        }
        double[] lo = new double[d + 2];
        double[] hi = new double[d + 2];
        for (int k = 0; k < d; k++) {
            lo[k] = LOG_LENGTH_MIN;
            hi[k] = LOG_LENGTH_MAX;
        }
        lo[d] = LOG_SIGNAL_MIN;
        hi[d] = LOG_SIGNAL_MAX;
        lo[d + 1] = LOG_NOISE_MIN;
        hi[d + 1] = LOG_NOISE_MAX;
        double[] best = new double[d + 2];
        for (int k = 0; k < d; k++) {
            best[k] = Math.log(0.3);
        }
        best[d] = 0;
        best[d + 1] = Math.log(1e-3);
        final double[][] ffx = fx;
        final double[] ffy = fy;
        double bestValue = likelihood(ffx, ffy, offset, scale, best);
        for (int s = 0; s < starts; s++) {
            double[] start = new double[d + 2];
            if (s == 0) {
                start = best.clone();
            } else {
                for (int k = 0; k < d + 2; k++) {
                    start[k] = lo[k] + (hi[k] - lo[k]) * (0.1 + 0.8 * rng.nextDouble());
                }
            }
            // the objective remembers the best point it saw: BOBYQA throws when it runs out of evaluations
            double[] seenValue = {bestValue};
            double[][] seenPoint = {best};
            try {
                int m = Math.min(2 * (d + 2) + 1, (d + 3) * (d + 4) / 2);
                BOBYQAOptimizer opt = new BOBYQAOptimizer(m, 0.5, 1e-3);
                opt.optimize(new MaxEval(40 + 10 * d), GoalType.MAXIMIZE, new InitialGuess(start),
                        new SimpleBounds(lo, hi), new ObjectiveFunction(t -> {
                            double v = likelihood(ffx, ffy, offset, scale, t);
                            if (v > seenValue[0]) {
                                seenValue[0] = v;
                                seenPoint[0] = t.clone();
                            }
                            return v;
                        }));
            } catch (MathIllegalStateException e) {
                // out of evaluations: the best point seen stands
            }
            bestValue = seenValue[0];
            best = seenPoint[0];
        }
        return best;
    }

    private static double likelihood(double[][] x, double[] y, double offset, double scale, double[] theta) {
        try {
            return new GaussianProcess(x, y, offset, scale, theta).logLikelihood;
        } catch (RuntimeException e) {
            return -1e300;
        }
    }

    /** The same hyperparameters and scaling, conditioned on other data (for fantasies in a batch). */
    public GaussianProcess condition(double[][] x2, double[] y2) {
        return new GaussianProcess(x2, y2, yOffset, yScale, theta);
    }

    /** Posterior mean of the latent function only (cheaper than {@link #predict}). */
    public double mean(double[] u) {
        double mean = 0;
        for (int i = 0; i < x.length; i++) {
            mean += kernel(x[i], u, inverseLength2, signal) * alpha[i];
        }
        return yOffset + yScale * mean;
    }

    /** Posterior mean and standard deviation of the latent function (without noise), in target units. */
    public double[] predict(double[] u) {
        int n = x.length;
        double[] k = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            k[i] = kernel(x[i], u, inverseLength2, signal);
            mean += k[i] * alpha[i];
        }
        // v = L^-1 k (forward substitution on Hipparchus' factor)
        double vv = 0;
        for (int i = 0; i < n; i++) {
            double s = k[i];
            double[] row = lower[i];
            for (int j = 0; j < i; j++) {
                s -= row[j] * k[j];
            }
            k[i] = s / row[i];
            vv += k[i] * k[i];
        }
        double var = Math.max(signal - vv, 1e-12);
        return new double[] {yOffset + yScale * mean, yScale * Math.sqrt(var)};
    }

    public double logMarginalLikelihood() {
        return logLikelihood;
    }

    /** Length scales in the encoded (unit) coordinates. */
    public double[] lengthScales() {
        double[] l = new double[inverseLength2.length];
        for (int k = 0; k < l.length; k++) {
            l[k] = Math.exp(theta[k]);
        }
        return l;
    }

    /** Noise standard deviation in target units. */
    public double noiseStd() {
        return yScale * Math.sqrt(noise);
    }

    public int size() {
        return x.length;
    }

    /**
     * A process from saved state (e.g. a served surrogate): the same training data, target
     * standardisation and hyperparameters give the same predictions as the original.
     */
    public static GaussianProcess restore(double[][] x, double[] y, double offset, double scale, double[] lengthScales,
            double signalVariance, double noiseVariance) {
        if (x == null || y == null || x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("a Gaussian process needs as many targets as inputs, at least one");
        }
        int d = x[0].length;
        if (lengthScales == null || lengthScales.length != d) {
            throw new IllegalArgumentException("a Gaussian process on " + d + " coordinates needs " + d + " length scales");
        }
        for (double[] row : x) {
            if (row == null || row.length != d) {
                throw new IllegalArgumentException("every input must have " + d + " coordinates");
            }
        }
        if (!(scale > 0) || !(signalVariance > 0) || !(noiseVariance > 0)) {
            throw new IllegalArgumentException("target scale, signal and noise variance must be positive");
        }
        double[] theta = new double[d + 2];
        for (int k = 0; k < d; k++) {
            if (!(lengthScales[k] > 0)) {
                throw new IllegalArgumentException("length scales must be positive");
            }
            theta[k] = Math.log(lengthScales[k]);
        }
        theta[d] = Math.log(signalVariance);
        theta[d + 1] = Math.log(noiseVariance);
        return new GaussianProcess(x, y, offset, scale, theta);
    }

    /** The training inputs (encoded), shared: do not change them. */
    public double[][] inputs() {
        return x;
    }

    /** The training targets, shared: do not change them. */
    public double[] targets() {
        return targets;
    }

    /** The model works on {@code (target - targetOffset()) / targetScale()}. */
    public double targetOffset() {
        return yOffset;
    }

    public double targetScale() {
        return yScale;
    }

    /** Signal variance in standardised target units. */
    public double signalVariance() {
        return signal;
    }

    /** Noise variance in standardised target units. */
    public double noiseVariance() {
        return noise;
    }

    static double[][] covariance(double[][] x, double[] inverseLength2, double signal, double noise) {
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            k[i][i] = signal + noise;
            for (int j = 0; j < i; j++) {
                double v = kernel(x[i], x[j], inverseLength2, signal);
                k[i][j] = v;
                k[j][i] = v;
            }
        }
        return k;
    }

    static double kernel(double[] a, double[] b, double[] inverseLength2, double signal) {
        double r2 = 0;
        for (int k = 0; k < a.length; k++) {
            double t = a[k] - b[k];
            r2 += t * t * inverseLength2[k];
        }
        double r = Math.sqrt(r2);
        return signal * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
    }

    private static double average(double[] y) {
        double s = 0;
        for (double v : y) {
            s += v;
        }
        return s / y.length;
    }

    private static double std(double[] y, double m) {
        double s = 0;
        for (double v : y) {
            s += (v - m) * (v - m);
        }
        double sd = Math.sqrt(s / Math.max(1, y.length - 1));
        return sd > 1e-12 ? sd : 1.0;
    }
}
