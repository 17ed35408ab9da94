package org.kumiki.quantum.algorithms.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Estimator;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.algorithms.Qaoa;
import org.kumiki.quantum.api.algorithms.QaoaRequest;
import org.kumiki.quantum.api.algorithms.QaoaResult;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** QAOA for weighted MaxCut: optimise the expected cut with the Estimator, then sample the best cut. */
@Component(service = Qaoa.class)
public class QaoaService implements Qaoa {
    static final int MAX_NODES = 26;
    private final Estimator estimator;
    private final Sampler sampler;

    @Activate
    public QaoaService(@Reference Estimator estimator, @Reference Sampler sampler) {
        this.estimator = estimator;
        this.sampler = sampler;
    }

    static void validate(QaoaRequest r) {
        if (r == null) throw new IllegalArgumentException("no request");
        if (r.nodes < 2 || r.nodes > MAX_NODES) throw new IllegalArgumentException("a graph needs 2 to " + MAX_NODES + " nodes, got " + r.nodes);
        if (r.edges == null || r.edges.length == 0) throw new IllegalArgumentException("a graph needs at least one edge");
        for (double[] e : r.edges) {
            if (e == null || e.length < 2 || e.length > 3) throw new IllegalArgumentException("an edge is {i, j} or {i, j, weight}");
            int i = (int) e[0], j = (int) e[1];
            if (i != e[0] || j != e[1] || i < 0 || j < 0 || i >= r.nodes || j >= r.nodes) {
                throw new IllegalArgumentException("edge (" + e[0] + ", " + e[1] + ") needs node indices between 0 and " + (r.nodes - 1));
            }
            if (i == j) throw new IllegalArgumentException("self-loop on node " + i);
            if (e.length == 3 && !Double.isFinite(e[2])) throw new IllegalArgumentException("edge weights must be finite");
        }
        if (r.layers < 1 || r.layers > 20) throw new IllegalArgumentException("layers must be between 1 and 20");
        if (r.shots < 1 || r.shots > 1_000_000) throw new IllegalArgumentException("shots must be between 1 and 1000000");
        if (r.restarts < 1 || r.restarts > 100) throw new IllegalArgumentException("restarts must be between 1 and 100");
        if (r.maxEvaluations < 10 || r.maxEvaluations > 1_000_000) throw new IllegalArgumentException("maxEvaluations must be between 10 and 1000000");
    }

    static double weight(double[] e) { return e.length == 3 ? e[2] : 1.0; }

    /** The QAOA circuit with parameters g00.. (cost) and b00.. (mixer). */
    static QuantumCircuit circuit(QaoaRequest r) {
        QuantumCircuit c = new QuantumCircuit(r.nodes, 0);
        for (int q = 0; q < r.nodes; q++) c.h(q);
        for (int l = 0; l < r.layers; l++) {
            Angle g = Angle.param(String.format("g%02d", l)), b = Angle.param(String.format("b%02d", l));
            // exp(-i gamma w (1 - Z Z)/2) = exp(+i gamma w ZZ / 2) up to phase = rzz(-gamma w)
            for (double[] e : r.edges) c.rzz(g.times(-weight(e)), (int) e[0], (int) e[1]);
            for (int q = 0; q < r.nodes; q++) c.rx(b.times(2), q);
        }
        return c;
    }

    /** C = sum w (1 - Z_i Z_j) / 2 as a Pauli sum. */
    static Observable cost(QaoaRequest r) {
        List<Observable.Term> terms = new ArrayList<>();
        double constant = 0;
        for (double[] e : r.edges) {
            double w = weight(e);
            constant += w / 2;
            char[] p = "I".repeat(r.nodes).toCharArray();
            p[r.nodes - 1 - (int) e[0]] = 'Z';
            p[r.nodes - 1 - (int) e[1]] = 'Z';
            terms.add(new Observable.Term(-w / 2, new String(p)));
        }
        terms.add(new Observable.Term(constant, "I".repeat(r.nodes)));
        return new Observable(terms);
    }

    static double cutValue(QaoaRequest r, long assignment) {
        double v = 0;
        for (double[] e : r.edges) if (((assignment >>> (int) e[0]) & 1) != ((assignment >>> (int) e[1]) & 1)) v += weight(e);
        return v;
    }

    static double bruteForce(QaoaRequest r) {
        if (r.nodes > 20) return Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        for (long a = 0; a < (1L << r.nodes); a++) best = Math.max(best, cutValue(r, a));
        return best;
    }

    @Override
    public QaoaResult maxCut(QaoaRequest r) {
        validate(r);
        QuantumCircuit c = circuit(r);
        Observable cost = cost(r);
        List<String> names = c.parameters(); // b00.., g00..
        SplittableRandom rnd = new SplittableRandom(r.seed);
        Optimizers.Result best = null;
        int evaluations = 0;
        for (int k = 0; k < r.restarts; k++) {
            double[] start = new double[names.size()];
            for (int i = 0; i < start.length; i++) {
                start[i] = names.get(i).startsWith("g") ? rnd.nextDouble() * Math.PI : rnd.nextDouble() * Math.PI / 2;
            }
            Optimizers.Result res = Optimizers.minimise(r.optimizer, x -> -expected(c, cost, x, r.backend), start, 0.3,
                    Math.max(10, r.maxEvaluations / r.restarts), r.seed + k);
            evaluations += res.evaluations;
            if (best == null || res.value < best.value) best = res;
        }
        SamplerPub pub = SamplerPub.of(withMeasurements(c), r.shots);
        pub.parameterValues = new double[][] {best.point};
        pub.seed = r.seed;
        SampleDTO d = VqeService.await(sampler.run(r.backend, List.of(pub))).get(0).data.get(0);
        String bestCut = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Integer> e : d.counts.entrySet()) {
            double v = cutValue(r, Long.parseLong(e.getKey(), 2));
            if (v > bestValue) { bestValue = v; bestCut = e.getKey(); }
        }
        QaoaResult out = new QaoaResult();
        out.bestCut = bestCut;
        out.bestCutValue = bestValue;
        out.expectedCutValue = -best.value;
        out.optimumCutValue = bruteForce(r);
        out.evaluations = evaluations;
        out.gammas = new double[r.layers];
        out.betas = new double[r.layers];
        Map<String, Double> byName = new HashMap<>();
        for (int i = 0; i < names.size(); i++) byName.put(names.get(i), best.point[i]);
        for (int l = 0; l < r.layers; l++) {
            out.gammas[l] = byName.get(String.format("g%02d", l));
            out.betas[l] = byName.get(String.format("b%02d", l));
        }
        out.backend = r.backend;
        return out;
    }

    private double expected(QuantumCircuit c, Observable cost, double[] x, String backend) {
        EstimatorPub pub = EstimatorPub.of(c, cost);
        pub.parameterValues = new double[][] {x};
        return VqeService.await(estimator.run(backend, List.of(pub))).get(0).evs[0][0];
    }

    static QuantumCircuit withMeasurements(QuantumCircuit c) {
        QuantumCircuit m = new QuantumCircuit(c.numQubits(), c.numQubits());
        m.appendAll(c.instructions());
        return m.measureAll();
    }
}
