package org.kumiki.quantum.statevector.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.api.spi.BackendJob;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded state-vector simulator as a {@link QuantumBackend}. */
@Component(configurationPid = "org.kumiki.quantum.statevector", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {QuantumBackend.NAME + "=statevector", "service.ranking:Integer=100"})
@Designate(ocd = StatevectorBackend.Config.class)
public class StatevectorBackend implements QuantumBackend {

    @ObjectClassDefinition(name = "Kumiki state-vector simulator")
    public @interface Config {
        @AttributeDefinition(description = "Worker threads for the kernels (0 = one per core)")
        int threads() default 0;

        @AttributeDefinition(description = "Most qubits accepted (0 = as many as the heap holds, at most 30)")
        int maxQubits() default 0;

        @AttributeDefinition(description = "Fuse consecutive one-qubit gates")
        boolean fusion() default true;

        @AttributeDefinition(description = "Most shots per PUB binding")
        int maxShots() default 1_000_000;
    }

    public static final int DEFAULT_SHOTS = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(StatevectorBackend.class);

    private final Simulator sim;
    private final CircuitRunner runner;
    private final int maxShots;
    private final ExecutorService jobs;

    @Activate
    public StatevectorBackend(Config config) {
        this(config.threads(), config.maxQubits(), config.fusion(), config.maxShots());
    }

    /** For use outside a framework (tests, benchmarks); threads 0 means one per core. */
    public StatevectorBackend(int threads, int maxQubits, boolean fusion, int maxShots) {
        if (threads <= 0) threads = Runtime.getRuntime().availableProcessors();
        this.sim = new Simulator(threads, maxQubits);
        this.runner = new CircuitRunner(sim, fusion);
        this.maxShots = Math.max(1, maxShots);
        this.jobs = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kumiki-statevector-jobs");
            t.setDaemon(true);
            return t;
        });
        LOG.info("state-vector simulator ready: {} thread(s), up to {} qubits", threads, sim.maxQubits());
    }

    @Deactivate
    public void close() {
        jobs.shutdownNow();
        sim.close();
    }

    public CircuitRunner runner() { return runner; }

    @Override
    public String name() { return "statevector"; }

    @Override
    public TargetDTO target() {
        TargetDTO t = new TargetDTO();
        t.numQubits = sim.maxQubits();
        t.basisGates = new ArrayList<>();
        for (Gate g : Gate.values()) t.basisGates.add(g.qasmName());
        t.couplingMap = null;
        t.maxShots = maxShots;
        t.maxExperiments = 10_000;
        t.simulator = true;
        t.dynamicCircuits = true;
        t.description = "Kumiki embedded state-vector simulator (double precision, " + sim.threads() + " thread(s))";
        return t;
    }

    @Override
    public boolean exactExpectations() { return true; }

    static List<QuantumCircuit> bindings(QuantumCircuit c, double[][] values) {
        List<QuantumCircuit> out = new ArrayList<>();
        List<String> params = c.parameters();
        if (values == null || values.length == 0) {
            if (!params.isEmpty()) throw new QuantumException("the circuit has parameters " + params + " but the PUB gives no values");
            out.add(c);
            return out;
        }
        for (double[] row : values) {
            if (row == null) throw new QuantumException("null row of parameter values");
            for (double v : row) if (!Double.isFinite(v)) throw new QuantumException("parameter values must be finite");
            out.add(c.bind(row));
        }
        return out;
    }

    private void checkCircuit(QuantumCircuit c) {
        if (c == null) throw new QuantumException("a PUB needs a circuit");
        sim.checkFits(c.numQubits());
    }

    @Override
    public QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs) {
        if (pubs == null || pubs.isEmpty()) throw new QuantumException("no PUBs to run");
        List<List<QuantumCircuit>> bound = new ArrayList<>();
        for (SamplerPub p : pubs) {
            if (p == null) throw new QuantumException("null PUB");
            checkCircuit(p.circuit);
            int shots = p.shots == 0 ? DEFAULT_SHOTS : p.shots;
            if (shots < 1 || shots > maxShots) throw new QuantumException("shots must be between 1 and " + maxShots + ", got " + p.shots);
            if (p.circuit.numClbits() == 0) throw new QuantumException("the circuit has no classical bits: add measurements to sample it");
            bound.add(bindings(p.circuit, p.parameterValues));
        }
        BackendJob<List<SamplerPubResult>> job = new BackendJob<>(name());
        jobs.submit(() -> {
            if (job.isCancelled()) return;
            job.running();
            try {
                List<SamplerPubResult> results = new ArrayList<>();
                for (int i = 0; i < pubs.size(); i++) {
                    SamplerPub p = pubs.get(i);
                    int shots = p.shots == 0 ? DEFAULT_SHOTS : p.shots;
                    SplittableRandom rnd = p.seed == null ? new SplittableRandom() : new SplittableRandom(p.seed);
                    SamplerPubResult r = new SamplerPubResult();
                    r.data = new ArrayList<>();
                    for (QuantumCircuit c : bound.get(i)) {
                        if (job.isCancelled()) return;
                        SampleDTO d = runner.sample(c, shots, rnd);
                        r.data.add(d);
                    }
                    r.metadata = new LinkedHashMap<>(Map.of("shots", shots, "simulator", "statevector"));
                    results.add(r);
                }
                job.complete(results);
            } catch (Throwable t) {
                job.fail(t);
            }
        });
        return job;
    }

    @Override
    public QuantumJob<List<EstimatorPubResult>> estimate(List<EstimatorPub> pubs) {
        if (pubs == null || pubs.isEmpty()) throw new QuantumException("no PUBs to run");
        List<List<QuantumCircuit>> bound = new ArrayList<>();
        for (EstimatorPub p : pubs) {
            if (p == null) throw new QuantumException("null PUB");
            checkCircuit(p.circuit);
            if (p.observables == null || p.observables.isEmpty()) throw new QuantumException("an estimator PUB needs observables");
            for (Observable o : p.observables) {
                if (o == null || o.numQubits() != p.circuit.numQubits()) {
                    throw new QuantumException("observable " + o + " does not act on the circuit's " + p.circuit.numQubits() + " qubit(s)");
                }
            }
            if (!CircuitRunner.isStatic(p.circuit)) throw new QuantumException("the estimator needs a circuit without mid-circuit measurement, reset or conditions");
            bound.add(bindings(p.circuit, p.parameterValues));
        }
        BackendJob<List<EstimatorPubResult>> job = new BackendJob<>(name());
        jobs.submit(() -> {
            if (job.isCancelled()) return;
            job.running();
            try {
                List<EstimatorPubResult> results = new ArrayList<>();
                for (int i = 0; i < pubs.size(); i++) {
                    EstimatorPub p = pubs.get(i);
                    List<QuantumCircuit> cs = bound.get(i);
                    EstimatorPubResult r = new EstimatorPubResult();
                    r.evs = new double[cs.size()][];
                    r.stds = new double[cs.size()][];
                    SplittableRandom rnd = p.seed == null ? new SplittableRandom() : new SplittableRandom(p.seed);
                    for (int b = 0; b < cs.size(); b++) {
                        if (job.isCancelled()) return;
                        r.evs[b] = runner.expectations(cs.get(b), p.observables);
                        r.stds[b] = new double[p.observables.size()];
                        if (p.precision > 0) {
                            // emulate finite sampling like Qiskit's StatevectorEstimator: Gaussian noise of the given precision
                            for (int k = 0; k < r.evs[b].length; k++) {
                                r.evs[b][k] += p.precision * gaussian(rnd);
                                r.stds[b][k] = p.precision;
                            }
                        }
                    }
                    r.metadata = new LinkedHashMap<>(Map.of("precision", p.precision, "simulator", "statevector"));
                    results.add(r);
                }
                job.complete(results);
            } catch (Throwable t) {
                job.fail(t);
            }
        });
        return job;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
