package org.kumiki.campaign.internal.propose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.random.SobolSequenceGenerator;
import org.hipparchus.random.Well19937c;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {

    @Test
    void interpolatesASmoothFunctionIn1D() {
        int n = 15;
        double[][] x = new double[n][1];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = i / (n - 1.0);
            y[i] = Math.sin(6 * x[i][0]) + x[i][0] * x[i][0];
        }
        GaussianProcess gp = GaussianProcess.fit(x, y, new Well19937c(1), 3, 64);
        double worst = 0;
        for (int i = 0; i <= 100; i++) {
            double u = i / 100.0;
            double[] ms = gp.predict(new double[] {u});
            worst = Math.max(worst, Math.abs(ms[0] - (Math.sin(6 * u) + u * u)));
        }
        assertTrue(worst < 0.02, "max error " + worst);
        // at a training point the latent standard deviation is small
        assertTrue(gp.predict(x[3])[1] < 0.05, "sd " + gp.predict(x[3])[1]);
        assertTrue(gp.noiseStd() < 0.01, "noise " + gp.noiseStd());
    }

    @Test
    void predictsBraninIn2DFromSobolPoints() {
        int n = 40;
        SobolSequenceGenerator sobol = new SobolSequenceGenerator(2);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = sobol.nextVector();
            y[i] = Landscapes.branin(-5 + 15 * x[i][0], 15 * x[i][1]);
        }
        GaussianProcess gp = GaussianProcess.fit(x, y, new Well19937c(2), 3, 64);
        double se = 0;
        double var = 0;
        Well19937c rng = new Well19937c(3);
        for (int i = 0; i < 200; i++) {
            double u = rng.nextDouble();
            double v = rng.nextDouble();
            double truth = Landscapes.branin(-5 + 15 * u, 15 * v);
            double e = gp.predict(new double[] {u, v})[0] - truth;
            se += e * e;
            var += (truth - 54) * (truth - 54);
        }
        double relativeRmse = Math.sqrt(se / var);
        assertTrue(relativeRmse < 0.1, "relative RMSE " + relativeRmse);
    }

    @Test
    void estimatesTheNoise() {
        Well19937c rng = new Well19937c(4);
        int n = 60;
        double[][] x = new double[n][1];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = rng.nextDouble();
            y[i] = 2 * x[i][0] + 0.1 * rng.nextGaussian();
        }
        GaussianProcess gp = GaussianProcess.fit(x, y, new Well19937c(5), 3, 64);
        assertTrue(gp.noiseStd() > 0.05 && gp.noiseStd() < 0.2, "noise " + gp.noiseStd());
        assertEquals(1.0, gp.predict(new double[] {0.5})[0], 0.1);
    }

    @Test
    void fitsTheSameWayForTheSameSeed() {
        double[][] x = {{0.1, 0.2}, {0.5, 0.9}, {0.7, 0.3}, {0.9, 0.9}, {0.3, 0.6}};
        double[] y = {1, 3, 2, 5, 2.5};
        double a = GaussianProcess.fit(x, y, new Well19937c(9), 3, 64).predict(new double[] {0.4, 0.4})[0];
        double b = GaussianProcess.fit(x, y, new Well19937c(9), 3, 64).predict(new double[] {0.4, 0.4})[0];
        assertEquals(a, b);
    }
}
