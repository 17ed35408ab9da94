package org.kumiki.quantum.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.BackendDTO;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.spi.BackendJob;
import org.kumiki.quantum.api.spi.BackendProperties;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes primitives to the whiteboard of {@link QuantumBackend} services. */
@Component(service = {QuantumBackends.class, QuantumCore.class})
public class QuantumCore implements QuantumBackends {
    private static final Logger LOG = LoggerFactory.getLogger(QuantumCore.class);
    /** Standard error used when an estimator PUB on a sampling backend gives no precision. */
    static final double DEFAULT_PRECISION = 1.0 / 64;
    static final int MAX_ESTIMATOR_SHOTS = 1_000_000;

    private static final class Entry {
        final QuantumBackend backend;
        final String name;
        final int ranking;
        final long serviceId;

        Entry(QuantumBackend backend, String name, int ranking, long serviceId) {
            this.backend = backend;
            this.name = name;
            this.ranking = ranking;
            this.serviceId = serviceId;
        }
    }

    private final ConcurrentMap<String, Entry> backends = new ConcurrentHashMap<>();
    private final JobLedger jobs = new JobLedger();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(QuantumBackend backend, Map<String, Object> props) {
        String problem = BackendProperties.problem(props);
        if (problem != null) {
            LOG.warn("{}", problem);
            return;
        }
        Object n = props.get(QuantumBackend.NAME);
        String name = n == null ? backend.name() : n.toString();
        Object r = props.get(Constants.SERVICE_RANKING);
        int ranking = r instanceof Integer i ? i : 0;
        long id = props.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
        Entry old = backends.putIfAbsent(name, new Entry(backend, name, ranking, id));
        if (old != null) LOG.warn("a quantum backend named '{}' is already registered; ignoring the second one", name);
        else LOG.info("quantum backend '{}' added", name);
    }

    void removeBackend(QuantumBackend backend, Map<String, Object> props) {
        backends.values().removeIf(e -> e.backend == backend);
    }

    /** For tests without a framework. */
    public void add(QuantumBackend b, int ranking) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(QuantumBackend.NAME, b.name());
        p.put(Constants.SERVICE_RANKING, ranking);
        addBackend(b, p);
    }

    @Override
    public List<BackendDTO> list() {
        String def = defaultBackend();
        List<BackendDTO> out = new ArrayList<>();
        List<Entry> es = new ArrayList<>(backends.values());
        es.sort(Comparator.comparing(e -> e.name));
        for (Entry e : es) {
            BackendDTO d = new BackendDTO();
            d.name = e.name;
            d.isDefault = e.name.equals(def);
            d.exactExpectations = e.backend.exactExpectations();
            try {
                d.target = e.backend.target();
            } catch (RuntimeException ex) {
                LOG.warn("backend '{}' failed to describe its target: {}", e.name, ex.toString());
            }
            out.add(d);
        }
        return out;
    }

    @Override
    public String defaultBackend() {
        return backends.values().stream()
                .max(Comparator.<Entry>comparingInt(e -> e.ranking).thenComparing(e -> -e.serviceId))
                .map(e -> e.name).orElse(null);
    }

    @Override
    public Map<String, Map<JobStatus, Long>> jobCounts() {
        return jobs.counts();
    }

    private Entry resolve(String name) {
        String n = name == null || name.isBlank() ? defaultBackend() : name;
        if (n == null) throw new QuantumException("no quantum backend is registered");
        Entry e = backends.get(n);
        if (e == null) {
            List<String> names = new ArrayList<>(backends.keySet());
            names.sort(null);
            throw new QuantumException("unknown backend '" + n + "' (known: " + String.join(", ", names) + ")");
        }
        return e;
    }

    public QuantumJob<List<SamplerPubResult>> sample(String backend, List<SamplerPub> pubs) {
        if (pubs == null || pubs.isEmpty()) throw new QuantumException("no PUBs to run");
        for (SamplerPub p : pubs) if (p == null || p.circuit == null) throw new QuantumException("a PUB needs a circuit");
        return jobs.track(resolve(backend).backend.sample(pubs));
    }

    public QuantumJob<List<EstimatorPubResult>> estimate(String backend, List<EstimatorPub> pubs) {
        if (pubs == null || pubs.isEmpty()) throw new QuantumException("no PUBs to run");
        for (EstimatorPub p : pubs) {
            if (p == null || p.circuit == null) throw new QuantumException("a PUB needs a circuit");
            if (p.observables == null || p.observables.isEmpty()) throw new QuantumException("an estimator PUB needs observables");
            if (!(p.precision >= 0) || Double.isInfinite(p.precision)) throw new QuantumException("precision must be a non-negative number");
            for (Observable o : p.observables) {
                if (o == null || o.numQubits() != p.circuit.numQubits()) {
                    throw new QuantumException("observable " + o + " does not act on the circuit's " + p.circuit.numQubits() + " qubit(s)");
                }
            }
        }
        Entry e = resolve(backend);
        if (e.backend.exactExpectations()) return jobs.track(e.backend.estimate(pubs));
        return jobs.track(estimateBySampling(e.backend, pubs));
    }

    // ---- estimation from samples ------------------------------------------------------------

    /** One measurement setting: a circuit measuring some qubits in rotated bases, for one binding. */
    private static final class Setting {
        final int pub, binding;
        final String basis; // per qubit (qubit 0 last), I for unmeasured
        Setting(int pub, int binding, String basis) { this.pub = pub; this.binding = binding; this.basis = basis; }
    }

    QuantumJob<List<EstimatorPubResult>> estimateBySampling(QuantumBackend backend, List<EstimatorPub> pubs) {
        List<SamplerPub> sp = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        for (int pi = 0; pi < pubs.size(); pi++) {
            EstimatorPub p = pubs.get(pi);
            double precision = p.precision > 0 ? p.precision : DEFAULT_PRECISION;
            int shots = (int) Math.min(MAX_ESTIMATOR_SHOTS, Math.ceil(1.0 / (precision * precision)));
            List<QuantumCircuit> bound = bindAll(p);
            for (int b = 0; b < bound.size(); b++) {
                Map<String, Boolean> bases = new LinkedHashMap<>();
                for (Observable o : p.observables) for (Observable.Term t : o.terms()) if (!t.paulis().matches("I+")) bases.put(t.paulis(), true);
                for (String basis : bases.keySet()) {
                    SamplerPub s = SamplerPub.of(measuredIn(bound.get(b), basis), shots);
                    s.seed = p.seed;
                    sp.add(s);
                    settings.add(new Setting(pi, b, basis));
                }
            }
        }
        BackendJob<List<EstimatorPubResult>> job = new BackendJob<>(backend.name());
        if (sp.isEmpty()) {
            job.complete(assemble(pubs, settings, List.of()));
            return job;
        }
        QuantumJob<List<SamplerPubResult>> inner = backend.sample(sp);
        job.onCancel(inner::cancel);
        job.running();
        inner.result().whenComplete((res, err) -> {
            if (err != null) job.fail(err);
            else {
                try {
                    job.complete(assemble(pubs, settings, res));
                } catch (RuntimeException ex) {
                    job.fail(ex);
                }
            }
        });
        return job;
    }

    private static List<QuantumCircuit> bindAll(EstimatorPub p) {
        List<QuantumCircuit> out = new ArrayList<>();
        if (p.parameterValues == null || p.parameterValues.length == 0) {
            if (!p.circuit.parameters().isEmpty()) throw new QuantumException("the circuit has parameters " + p.circuit.parameters() + " but the PUB gives no values");
            out.add(p.circuit);
        } else {
            for (double[] row : p.parameterValues) out.add(p.circuit.bind(row));
        }
        return out;
    }

    /** The circuit without its measurements, rotated into {@code basis} and measured into a fresh register. */
    static QuantumCircuit measuredIn(QuantumCircuit c, String basis) {
        QuantumCircuit m = new QuantumCircuit(c.name());
        for (var r : c.qregs()) m.addQubits(r.name(), r.size());
        String reg = "meas";
        while (c.qreg(reg) != null) reg = reg + "_";
        int n = c.numQubits();
        m.addClbits(reg, n);
        for (Instruction in : c.instructions()) {
            if (in.kind() == Instruction.Kind.MEASURE) continue;
            if (in.condition() != null || in.kind() == Instruction.Kind.RESET) {
                throw new QuantumException("estimation needs a circuit without reset or classically conditioned operations");
            }
            m.append(in);
        }
        for (int q = 0; q < n; q++) {
            char p = basis.charAt(basis.length() - 1 - q);
            if (p == 'X') m.h(q);
            else if (p == 'Y') m.sdg(q).h(q);
            if (p != 'I') m.measure(q, q);
        }
        return m;
    }

    private static List<EstimatorPubResult> assemble(List<EstimatorPub> pubs, List<Setting> settings, List<SamplerPubResult> res) {
        List<EstimatorPubResult> out = new ArrayList<>();
        for (int pi = 0; pi < pubs.size(); pi++) {
            EstimatorPub p = pubs.get(pi);
            int nb = p.parameterValues == null || p.parameterValues.length == 0 ? 1 : p.parameterValues.length;
            EstimatorPubResult r = new EstimatorPubResult();
            r.evs = new double[nb][p.observables.size()];
            r.stds = new double[nb][p.observables.size()];
            for (int b = 0; b < nb; b++) {
                Map<String, SampleDTO> byBasis = new LinkedHashMap<>();
                for (int s = 0; s < settings.size(); s++) {
                    Setting st = settings.get(s);
                    if (st.pub == pi && st.binding == b) byBasis.put(st.basis, res.get(s).data.get(0));
                }
                for (int k = 0; k < p.observables.size(); k++) {
                    double ev = 0, var = 0;
                    for (Observable.Term t : p.observables.get(k).terms()) {
                        if (t.paulis().matches("I+")) { ev += t.coefficient(); continue; }
                        SampleDTO d = Objects.requireNonNull(byBasis.get(t.paulis()), "missing samples");
                        double parity = parity(d, t.paulis());
                        ev += t.coefficient() * parity;
                        var += t.coefficient() * t.coefficient() * (1 - parity * parity) / Math.max(1, d.shots);
                    }
                    r.evs[b][k] = ev;
                    r.stds[b][k] = Math.sqrt(var);
                }
            }
            r.metadata = new LinkedHashMap<>(Map.of("method", "sampling"));
            out.add(r);
        }
        return out;
    }

    /** Mean of (-1)^(number of ones among the measured qubits). */
    static double parity(SampleDTO d, String basis) {
        long total = 0, sum = 0;
        for (Map.Entry<String, Integer> e : d.counts.entrySet()) {
            String bits = e.getKey(); // highest bit first
            int ones = 0;
            for (int q = 0; q < basis.length(); q++) {
                if (basis.charAt(basis.length() - 1 - q) == 'I') continue;
                if (bits.charAt(bits.length() - 1 - q) == '1') ones++;
            }
            sum += (ones % 2 == 0 ? 1 : -1) * (long) e.getValue();
            total += e.getValue();
        }
        return total == 0 ? 0 : (double) sum / total;
    }
}
