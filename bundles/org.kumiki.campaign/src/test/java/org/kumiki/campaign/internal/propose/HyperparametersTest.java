package org.kumiki.campaign.internal.propose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.hipparchus.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.spi.ProposalRequest;

class HyperparametersTest {

    private static double[][] inputs(int n, long seed) {
        Well19937c rng = new Well19937c(seed);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
        }
        return x;
    }

    private static double[] targets(double[][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Landscapes.hartmann3(x[i][0], x[i][1], x[i][2]);
        }
        return y;
    }

    @Test
    void refitsAfterEveryObservationEarlyThenOnASchedule() {
        assertEquals(1, Hyperparameters.schedule(1));
        assertEquals(40, Hyperparameters.schedule(40));
        assertEquals(40, Hyperparameters.schedule(47));
        assertEquals(48, Hyperparameters.schedule(48));
        assertEquals(200, Hyperparameters.schedule(200));
        assertEquals(200, Hyperparameters.schedule(207));
        for (int n = 1; n < 500; n++) {
            int m = Hyperparameters.schedule(n);
            assertTrue(m <= n && n - m < Hyperparameters.REFIT_EVERY, n + " -> " + m);
        }
    }

    @Test
    void aRecycledFitIsTheFitItself() {
        double[][] x = inputs(203, 4);
        double[] y = targets(x);
        Hyperparameters.clear();
        long before = Hyperparameters.fits();
        double[] cold = Hyperparameters.forObservations(x, y, 9, 2, 32);
        assertEquals(before + 1, Hyperparameters.fits());
        // exactly the fit on the first 200 observations with the schedule's seed
        double[] direct = GaussianProcess.fitHyperparameters(Arrays.copyOf(x, 200), Arrays.copyOf(y, 200), new Well19937c(9 * 1_000_003L + 200), 2, 32);
        assertArrayEquals(direct, cold);
        // more observations within the schedule's step: no new fit, the same hyperparameters
        double[] warm = Hyperparameters.forObservations(Arrays.copyOf(x, 201), Arrays.copyOf(y, 201), 9, 2, 32);
        assertEquals(before + 1, Hyperparameters.fits(), "a second fit where the first serves");
        assertArrayEquals(cold, warm);
        // after a restart (an empty cache) the same request gives the same hyperparameters
        Hyperparameters.clear();
        assertArrayEquals(cold, Hyperparameters.forObservations(x, y, 9, 2, 32));
        assertEquals(before + 2, Hyperparameters.fits());
    }

    @Test
    void otherDataOrAnotherCampaignSeedIsFittedAfresh() {
        double[][] x = inputs(60, 5);
        double[] y = targets(x);
        Hyperparameters.clear();
        long before = Hyperparameters.fits();
        Hyperparameters.forObservations(x, y, 1, 2, 32);
        Hyperparameters.forObservations(x, y, 2, 2, 32);
        double[] y2 = y.clone();
        y2[3] += 1e-9;
        Hyperparameters.forObservations(x, y2, 1, 2, 32);
        assertEquals(before + 3, Hyperparameters.fits());
        // a change after the scheduled prefix (56 of 60) does not count
        double[] y3 = y.clone();
        y3[58] += 1;
        Hyperparameters.forObservations(x, y3, 1, 2, 32);
        assertEquals(before + 3, Hyperparameters.fits());
    }

    @Test
    void proposalsAreTheSameWithAndWithoutRecycledFits() {
        CampaignDefinition d = Landscapes.definition(21, "bayesian", Landscapes.continuous("x1", 0, 1), Landscapes.continuous("x2", 0, 1),
                Landscapes.continuous("x3", 0, 1));
        Space space = new Space(d);
        Well19937c rng = new Well19937c(21);
        List<EvaluationDTO> obs = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            EvaluationDTO e = new EvaluationDTO();
            e.index = i;
            e.point = space.uniform(rng);
            e.score = Landscapes.hartmann3(Landscapes.num(e.point, "x1"), Landscapes.num(e.point, "x2"), Landscapes.num(e.point, "x3"));
            obs.add(e);
        }
        ProposalRequest r = new ProposalRequest();
        r.definition = d;
        r.observations = obs;
        r.count = 2;
        r.proposedSoFar = 70;
        r.seed = 77;
        Hyperparameters.clear();
        long before = Hyperparameters.fits();
        List<Map<String, Object>> cold = new BayesianProposer().propose(r);
        List<Map<String, Object>> warm = new BayesianProposer().propose(r);
        assertEquals(before + 1, Hyperparameters.fits(), "the second proposal recycles the first one's fit");
        assertEquals(cold, warm);
        Hyperparameters.clear();
        assertEquals(cold, new BayesianProposer().propose(r), "after a restart");
    }

    @Test
    void hyperparametersOfTheWrongShapeAreRefusedInOneLine() {
        double[][] x = inputs(5, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.withHyperparameters(x, targets(x), new double[] {0, 0, 0}));
        assertEquals("a Gaussian process on 3 coordinates needs 5 hyperparameters, not 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GaussianProcess.withHyperparameters(x, new double[4], new double[5]));
        GaussianProcess gp = GaussianProcess.fit(x, targets(x), new Well19937c(1), 2, 32);
        GaussianProcess again = GaussianProcess.withHyperparameters(x, targets(x), gp.hyperparameters());
        assertArrayEquals(gp.predict(new double[] {0.2, 0.4, 0.6}), again.predict(new double[] {0.2, 0.4, 0.6}));
        assertFalse(gp.hyperparameters() == gp.hyperparameters(), "a copy");
    }
}
