package org.kumiki.quantum.algorithms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.algorithms.QaoaRequest;
import org.kumiki.quantum.api.algorithms.QaoaResult;
import org.kumiki.quantum.api.algorithms.VqeRequest;
import org.kumiki.quantum.api.algorithms.VqeResult;
import org.kumiki.quantum.internal.EstimatorService;
import org.kumiki.quantum.internal.QuantumCore;
import org.kumiki.quantum.internal.SamplerService;
import org.kumiki.quantum.statevector.internal.StatevectorBackend;

class AlgorithmsTest {
    static StatevectorBackend sv;
    static VqeService vqe;
    static QaoaService qaoa;

    @BeforeAll
    static void setUp() {
        sv = new StatevectorBackend(1, 20, true, 1_000_000);
        QuantumCore core = new QuantumCore();
        core.add(sv, 100);
        vqe = new VqeService(new EstimatorService(core));
        qaoa = new QaoaService(new EstimatorService(core), new SamplerService(core));
    }

    @AfterAll
    static void tearDown() { sv.close(); }

    static final double H2_GROUND = -1.137306; // Hartree, total (electronic + nuclear repulsion)

    @Test
    void exactGroundEnergyOfTheH2Hamiltonian() {
        double e = Hamiltonians.groundEnergy(Hamiltonians.H2_0735) + Hamiltonians.H2_0735_NUCLEAR_REPULSION;
        assertEquals(H2_GROUND, e, 1e-6);
        assertEquals(-1.0, Hamiltonians.groundEnergy(Observable.parse("XX + YY + ZZ")) / 3.0, 1e-12);
        assertEquals(-1.0, Hamiltonians.groundEnergy(Observable.of("Y")), 1e-12);
    }

    @Test
    void vqeFindsTheH2GroundStateWithNelderMeadAndBobyqa() {
        for (String opt : new String[] {"nelder-mead", "bobyqa"}) {
            VqeRequest r = new VqeRequest();
            r.molecule = "h2";
            r.optimizer = opt;
            VqeResult res = vqe.run(r);
            assertEquals(-1.137, res.energy, 1e-3, opt + ": " + res.energy);
            assertEquals(res.exactEnergy, res.energy, 1e-4, opt);
            assertTrue(res.evaluations > 10 && res.evaluations <= r.maxEvaluations, opt + " evaluations " + res.evaluations);
        }
    }

    @Test
    void vqeWithSpsaGetsClose() {
        VqeRequest r = new VqeRequest();
        r.molecule = "h2";
        r.optimizer = "spsa";
        r.maxEvaluations = 3000;
        VqeResult res = vqe.run(r);
        assertEquals(res.exactEnergy, res.energy, 1e-2, "spsa " + res.energy);
    }

    @Test
    void vqeRejectsBadRequests() {
        VqeRequest r = new VqeRequest();
        assertThrows(IllegalArgumentException.class, () -> vqe.run(r));
        r.molecule = "unobtainium";
        assertThrows(IllegalArgumentException.class, () -> vqe.run(r));
        r.molecule = "h2";
        r.optimizer = "gradient-of-doom";
        assertThrows(IllegalArgumentException.class, () -> vqe.run(r));
        r.optimizer = null;
        r.maxEvaluations = 1;
        assertThrows(IllegalArgumentException.class, () -> vqe.run(r));
        VqeRequest h = new VqeRequest();
        h.hamiltonian = Observable.of("ZZZ");
        h.ansatz = VqeService.hardwareEfficient(2, 1);
        assertThrows(IllegalArgumentException.class, () -> vqe.run(h));
    }

    static QaoaRequest graph(int nodes, double[][] edges) {
        QaoaRequest r = new QaoaRequest();
        r.nodes = nodes;
        r.edges = edges;
        return r;
    }

    @Test
    void qaoaReachesTheKnownMaxCutOptimum() {
        QaoaRequest triangle = graph(3, new double[][] {{0, 1}, {1, 2}, {0, 2}});
        QaoaRequest ring = graph(4, new double[][] {{0, 1}, {1, 2}, {2, 3}, {3, 0}});
        QaoaRequest weighted = graph(5, new double[][] {{0, 1, 2}, {0, 2, 1}, {1, 2, 3}, {1, 3, 1}, {2, 4, 2}, {3, 4, 1}});
        assertEquals(2, QaoaService.bruteForce(triangle));
        assertEquals(4, QaoaService.bruteForce(ring));
        for (QaoaRequest r : new QaoaRequest[] {triangle, ring, weighted}) {
            QaoaResult res = qaoa.maxCut(r);
            assertEquals(res.optimumCutValue, res.bestCutValue, 1e-12, "nodes " + r.nodes + " cut " + res.bestCut);
            assertEquals(res.bestCutValue, QaoaService.cutValue(r, Long.parseLong(res.bestCut, 2)), 1e-12);
            assertTrue(res.expectedCutValue > 0.6 * res.optimumCutValue, "expected " + res.expectedCutValue);
        }
        // the 4-ring's optimum alternates: 0101 or 1010
        QaoaResult ringRes = qaoa.maxCut(ring);
        assertTrue(ringRes.bestCut.equals("0101") || ringRes.bestCut.equals("1010"), ringRes.bestCut);
    }

    @Test
    void qaoaRejectsBadGraphs() {
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(1, new double[][] {{0, 0}})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(3, new double[][] {{0, 3}})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(3, new double[][] {{0, 0}})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(3, new double[][] {{0, 1.5}})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(3, new double[][] {{0, 1, Double.NaN}})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(3, new double[][] {})));
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(graph(99, new double[][] {{0, 1}})));
        QaoaRequest r = graph(3, new double[][] {{0, 1}});
        r.layers = 0;
        assertThrows(IllegalArgumentException.class, () -> qaoa.maxCut(r));
    }
}
