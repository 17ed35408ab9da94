package org.kumiki.quantum.algorithms.internal;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Estimator;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.algorithms.Vqe;
import org.kumiki.quantum.api.algorithms.VqeRequest;
import org.kumiki.quantum.api.algorithms.VqeResult;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** VQE: minimises the Estimator's energy over the ansatz parameters with a classical optimiser. */
@Component(service = Vqe.class)
public class VqeService implements Vqe {
    static final long JOB_TIMEOUT_S = 600;
    private final Estimator estimator;

    @Activate
    public VqeService(@Reference Estimator estimator) {
        this.estimator = estimator;
    }

    /** RealAmplitudes-style ansatz: RY on every qubit, then {@code reps} times (CX chain, RY on every qubit). */
    public static QuantumCircuit hardwareEfficient(int n, int reps) {
        QuantumCircuit c = new QuantumCircuit(n, 0);
        int k = 0;
        for (int q = 0; q < n; q++) c.ry(Angle.param(name(k++)), q);
        for (int r = 0; r < reps; r++) {
            for (int q = 0; q + 1 < n; q++) c.cx(q, q + 1);
            for (int q = 0; q < n; q++) c.ry(Angle.param(name(k++)), q);
        }
        return c;
    }

    /** Zero-padded names keep the sorted parameter order equal to the creation order. */
    private static String name(int k) {
        return String.format("t%03d", k);
    }

    @Override
    public VqeResult run(VqeRequest req) {
        if (req == null) throw new IllegalArgumentException("no request");
        Observable h;
        double offset;
        if (req.molecule != null && !req.molecule.isBlank()) {
            if (req.hamiltonian != null) throw new IllegalArgumentException("give either a molecule or a hamiltonian, not both");
            Object[] m = Hamiltonians.molecule(req.molecule);
            h = (Observable) m[0];
            offset = (Double) m[1];
        } else if (req.hamiltonian != null) {
            h = req.hamiltonian;
            offset = req.energyOffset;
        } else {
            throw new IllegalArgumentException("give a molecule (h2) or a hamiltonian");
        }
        if (!Double.isFinite(offset)) throw new IllegalArgumentException("energy offset must be finite");
        if (req.reps < 0 || req.reps > 50) throw new IllegalArgumentException("reps must be between 0 and 50");
        if (req.maxEvaluations < 10 || req.maxEvaluations > 1_000_000) throw new IllegalArgumentException("maxEvaluations must be between 10 and 1000000");
        String opt = Optimizers.normalise(req.optimizer);
        QuantumCircuit ansatz = req.ansatz != null ? req.ansatz : hardwareEfficient(h.numQubits(), req.reps);
        if (ansatz.numQubits() != h.numQubits()) {
            throw new IllegalArgumentException("the ansatz has " + ansatz.numQubits() + " qubit(s) but the Hamiltonian acts on " + h.numQubits());
        }
        int np = ansatz.parameters().size();
        if (np == 0) throw new IllegalArgumentException("the ansatz has no parameters");
        SplittableRandom rnd = new SplittableRandom(req.seed);
        double[] start = new double[np];
        for (int i = 0; i < np; i++) start[i] = (rnd.nextDouble() - 0.5) * 0.2;
        String backend = req.backend;
        Optimizers.Result r = Optimizers.minimise(opt, x -> energy(ansatz, h, x, backend), start, 0.5, req.maxEvaluations, req.seed);
        VqeResult out = new VqeResult();
        out.energy = r.value + offset;
        out.parameters = r.point;
        out.evaluations = r.evaluations;
        out.optimizer = opt;
        out.backend = backend;
        double exact = Hamiltonians.groundEnergy(h);
        out.exactEnergy = Double.isNaN(exact) ? Double.NaN : exact + offset;
        return out;
    }

    private double energy(QuantumCircuit ansatz, Observable h, double[] x, String backend) {
        EstimatorPub pub = EstimatorPub.of(ansatz, h);
        pub.parameterValues = new double[][] {x};
        QuantumJob<List<EstimatorPubResult>> job = estimator.run(backend, List.of(pub));
        return await(job).get(0).evs[0][0];
    }

    static <T> T await(QuantumJob<T> job) {
        try {
            return job.result().toCompletableFuture().get(JOB_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel();
            throw new QuantumException("interrupted");
        } catch (TimeoutException e) {
            job.cancel();
            throw new QuantumException("job " + job.id() + " took longer than " + JOB_TIMEOUT_S + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof QuantumException q) throw q;
            throw new QuantumException(String.valueOf(c.getMessage()), c);
        }
    }
}
