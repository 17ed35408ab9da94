package org.kumiki.campaign.internal.propose;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.hipparchus.random.Well19937c;

/**
 * Recycles Gaussian-process hyperparameter fits between proposals. Fitting (BOBYQA on the log
 * marginal likelihood) is most of a proposal's cost once there are many observations, and the
 * hyperparameters barely move from one observation to the next. So the fit is redone only at
 * scheduled sizes: after every observation up to {@link #EVERY_UNTIL}, then every
 * {@link #REFIT_EVERY} observations, always on the first {@link #schedule(int)} observations with
 * a seed derived from the campaign's, so the result is a function of the request alone: the same
 * request gives the same hyperparameters whether or not they were cached (after a restart,
 * too). The model is then conditioned on every observation with those hyperparameters.
 */
final class Hyperparameters {
    static final int EVERY_UNTIL = 40;
    static final int REFIT_EVERY = 8;
    static final int CAPACITY = 32;

    private static final Map<Key, double[]> CACHE = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, double[]> eldest) {
            return size() > CAPACITY;
        }
    };
    private static long fits;

    private Hyperparameters() {
    }

    /** How many of {@code n} observations the hyperparameters are fitted on. */
    static int schedule(int n) {
        return n <= EVERY_UNTIL ? n : n - (n - EVERY_UNTIL) % REFIT_EVERY;
    }

    /**
     * The hyperparameters for observations {@code x, y} (in order): those fitted on the first
     * {@link #schedule(int)} of them, from the cache when that fit was done before.
     */
    static double[] forObservations(double[][] x, double[] y, long campaignSeed, int starts, int maxFit) {
        int m = schedule(x.length);
        Key key = new Key(x, y, m, campaignSeed, starts, maxFit);
        synchronized (CACHE) {
            double[] theta = CACHE.get(key);
            if (theta != null) {
                return theta.clone();
            }
        }
        double[][] fx = Arrays.copyOf(x, m);
        double[] fy = Arrays.copyOf(y, m);
        double[] theta = GaussianProcess.fitHyperparameters(fx, fy, new Well19937c(campaignSeed * 1_000_003L + m), starts, maxFit);
        synchronized (CACHE) {
            CACHE.put(key, theta.clone());
            fits++;
        }
        return theta;
    }

    /** Fits done (not served from the cache) since the class loaded. */
    static long fits() {
        synchronized (CACHE) {
            return fits;
        }
    }

    static void clear() {
        synchronized (CACHE) {
            CACHE.clear();
        }
    }

    /** The first {@code m} observations, exactly, and the fit's settings. */
    private static final class Key {
        private final double[] data;
        private final int hash;

        Key(double[][] x, double[] y, int m, long seed, int starts, int maxFit) {
            int d = m == 0 ? 0 : x[0].length;
            data = new double[5 + m * (d + 1)];
            data[0] = m;
            data[1] = seed >>> 32;
            data[2] = seed & 0xFFFF_FFFFL;
            data[3] = starts;
            data[4] = maxFit;
            int o = 5;
            for (int i = 0; i < m; i++) {
                System.arraycopy(x[i], 0, data, o, d);
                o += d;
                data[o++] = y[i];
            }
            hash = Arrays.hashCode(data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).hash == hash && Arrays.equals(((Key) o).data, data);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
