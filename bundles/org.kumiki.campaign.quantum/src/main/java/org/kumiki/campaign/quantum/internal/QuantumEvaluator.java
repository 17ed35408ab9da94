package org.kumiki.campaign.quantum.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.kumiki.quantum.api.Estimator;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.algorithms.Vqe;
import org.kumiki.quantum.api.algorithms.VqeRequest;
import org.kumiki.quantum.api.algorithms.VqeResult;
import org.kumiki.quantum.api.dto.BackendDTO;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The {@code quantum} evaluator: an Estimator evaluation of a parameterised circuit (the
 * campaign's parameters are the circuit's {@code input float} parameters), or a VQE run, through
 * the quantum API (see {@link QuantumPlan} for the options). The handle of an Estimator evaluation
 * is the quantum job id; of a VQE run, {@code vqe-<uuid>}. Quantum jobs cannot be looked up after
 * a restart, so each evaluation's options and point are journaled
 * ({@code state/campaign/quantum/journal}) and an evaluation whose handle this life of the
 * framework does not know is simply computed again under the same handle.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + QuantumEvaluator.NAME)
public class QuantumEvaluator implements Evaluator {
    public static final String NAME = "quantum";

    private static final Logger LOG = LoggerFactory.getLogger(QuantumEvaluator.class);
    static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** What the journal keeps of each evaluation. */
    public static class Started {
        public String evaluationId;
        public Map<String, Object> options = new LinkedHashMap<>();
        public Map<String, Object> point = new LinkedHashMap<>();
    }

    private final Estimator estimator;
    private final QuantumBackends backends;
    private final QasmCodec qasm;
    private final Vqe vqe;
    private final Journal journal;
    private final ExecutorService vqeRuns;
    private final Map<String, Started> started = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<EvaluationResult>> live = new ConcurrentHashMap<>();
    private final Map<String, QuantumJob<?>> jobs = new ConcurrentHashMap<>();

    @Activate
    public QuantumEvaluator(@Reference Estimator estimator, @Reference QuantumBackends backends, @Reference QasmCodec qasm,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) Vqe vqe,
            @Reference JournalFactory journals, @Reference Installation installation) throws IOException {
        this(estimator, backends, qasm, vqe, journals, installation.stateDirectory("campaign").resolve("quantum").resolve("journal"));
    }

    QuantumEvaluator(Estimator estimator, QuantumBackends backends, QasmCodec qasm, Vqe vqe, JournalFactory journals,
            Path journalDir) throws IOException {
        this.estimator = estimator;
        this.backends = backends;
        this.qasm = qasm;
        this.vqe = vqe;
        this.vqeRuns = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kumiki-campaign-vqe");
            t.setDaemon(true);
            return t;
        });
        this.journal = journals.open(journalDir, (key, bytes) -> {
            try {
                started.put(key.substring(key.indexOf('/') + 1), JSON.readValue(bytes, Started.class));
            } catch (IOException | RuntimeException e) {
                LOG.warn("campaign quantum journal record {} is unreadable and skipped: {}", key, e.toString());
            }
        });
    }

    @Deactivate
    public void close() {
        vqeRuns.shutdownNow();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the campaign quantum journal: {}", e.toString());
        }
    }

    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        try {
            QuantumPlan plan = QuantumPlan.parse(step.options);
            backend(plan);
            if (plan.circuit != null) {
                QuantumCircuit c = circuit(plan);
                Map<String, Object> sample = new LinkedHashMap<>();
                for (ParameterDTO p : definition.parameters) {
                    sample.put(p.name, p.type == ParameterType.CATEGORICAL ? "" : (Object) p.min);
                }
                QuantumPlan.bind(c.parameters(), sample);
            }
            if (plan.vqe && vqe == null) {
                return List.of(OptionProblem.of(noVqe(), "mode"));
            }
            return List.of();
        } catch (QuantumPlan.Problem p) {
            return List.of(p.key == null ? OptionProblem.of(p.getMessage()) : OptionProblem.of(p.getMessage(), p.key));
        }
    }

    private static String noVqe() {
        return "option 'mode': vqe needs the Vqe service (bundle org.kumiki.quantum.algorithms), which is not running";
    }

    /** The backend to use; a one-line problem when it is unknown or there is none. */
    private String backend(QuantumPlan plan) {
        List<String> names = backends.list().stream().map((BackendDTO b) -> b.name).collect(Collectors.toList());
        if (plan.backend != null) {
            if (!names.contains(plan.backend)) {
                throw new QuantumPlan.Problem("backend", "option 'backend': unknown backend '" + plan.backend + "' (known: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            }
            return plan.backend;
        }
        String def = backends.defaultBackend();
        if (def == null) {
            throw new QuantumPlan.Problem("backend", "no quantum backend is registered");
        }
        return def;
    }

    private QuantumCircuit circuit(QuantumPlan plan) {
        QuantumCircuit c;
        try {
            c = qasm.parse(plan.circuit);
        } catch (QasmException e) {
            throw new QuantumPlan.Problem("circuit", "option 'circuit': " + e.getMessage().replace('\n', ' '));
        }
        if (plan.observable != null && c.numQubits() != plan.observable.numQubits()) {
            throw new QuantumPlan.Problem("circuit", "option 'circuit' has " + c.numQubits() + " qubit(s) but the observable acts on "
                    + plan.observable.numQubits());
        }
        return c;
    }

    /** A circuit run (simulated or on a backend): it counts against the budget's {@code simulations}. */
    @Override
    public org.kumiki.campaign.api.EvaluatorKind kind() {
        return org.kumiki.campaign.api.EvaluatorKind.SIMULATION;
    }

    @Override
    public String start(EvaluationRequest r) throws Exception {
        Started s = new Started();
        s.evaluationId = r.evaluationId;
        s.options.putAll(r.options);
        s.point.putAll(r.point);
        QuantumPlan plan = QuantumPlan.parse(s.options);
        String handle = plan.vqe ? "vqe-" + UUID.randomUUID() : null;
        handle = launch(plan, s, handle);
        started.put(handle, s);
        journal.put("e/" + handle, JSON.writeValueAsBytes(s));
        journal.flush();
        return handle;
    }

    /** Starts the computation; its future is kept under the handle (the new job's id when null). */
    private String launch(QuantumPlan plan, Started s, String handle) {
        String backend = backend(plan);
        if (plan.vqe) {
            if (vqe == null) {
                throw new QuantumPlan.Problem("mode", noVqe());
            }
            VqeRequest req = new VqeRequest();
            req.backend = backend;
            if (plan.molecule != null) {
                req.molecule = plan.molecule;
                req.energyOffset = plan.offset - QuantumPlan.H2_NUCLEAR_REPULSION;
            } else {
                req.hamiltonian = plan.observable;
                req.energyOffset = plan.offset;
            }
            if (plan.circuit != null) {
                req.ansatz = circuit(plan);
            }
            Object reps = plan.setting(s.point, "reps");
            if (reps != null) {
                req.reps = QuantumPlan.whole("reps", reps, 0, 20);
            }
            Object opt = plan.setting(s.point, "optimizer");
            if (opt != null) {
                if (!QuantumPlan.OPTIMIZERS.contains(String.valueOf(opt))) {
                    throw new QuantumPlan.Problem("optimizer", "unknown optimiser '" + opt + "' (known: " + String.join(", ", QuantumPlan.OPTIMIZERS) + ")");
                }
                req.optimizer = String.valueOf(opt);
            }
            Object max = plan.setting(s.point, "maxEvaluations");
            if (max != null) {
                req.maxEvaluations = QuantumPlan.whole("maxEvaluations", max, 1, 1_000_000);
            }
            if (plan.seed != null) {
                req.seed = plan.seed;
            }
            String h = handle;
            CompletableFuture<EvaluationResult> f = CompletableFuture.supplyAsync(() -> {
                VqeResult v = vqe.run(req);
                EvaluationResult out = EvaluationResult.of(Map.of(plan.objective, v.energy));
                out.values.put(plan.objective + "_evaluations", (double) v.evaluations);
                out.provenance.put("quantumBackend", String.valueOf(v.backend));
                out.provenance.put("vqeOptimizer", String.valueOf(v.optimizer));
                out.dataRefs.add("quantum:" + h);
                return out;
            }, vqeRuns).handle((v, e) -> {
                if (e != null) {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    throw new IllegalStateException("VQE " + h + " failed: " + c.getMessage());
                }
                return v;
            });
            live.put(handle, f);
            return handle;
        }
        QuantumCircuit c = circuit(plan);
        EstimatorPub pub = EstimatorPub.of(c, plan.observable);
        pub.parameterValues = new double[][] {QuantumPlan.bind(c.parameters(), s.point)};
        pub.precision = plan.precision;
        pub.seed = plan.seed;
        QuantumJob<List<EstimatorPubResult>> job = estimator.run(backend, List.of(pub));
        String h = handle == null ? job.id() : handle;
        CompletableFuture<EvaluationResult> f = job.result().toCompletableFuture().handle((res, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException("quantum job " + job.id() + " on " + backend + " failed: " + cause.getMessage());
            }
            EvaluationResult out = new EvaluationResult();
            out.values.put(plan.objective, res.get(0).evs[0][0] + plan.offset);
            if (res.get(0).stds != null) {
                out.values.put(plan.objective + "_std", res.get(0).stds[0][0]);
            }
            out.dataRefs.add("quantum:" + job.id());
            out.provenance.put("quantumJob", job.id());
            out.provenance.put("quantumBackend", backend);
            return out;
        });
        jobs.put(h, job);
        live.put(h, f);
        return h;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        CompletableFuture<EvaluationResult> f = live.get(handle);
        if (f != null) {
            return f;
        }
        synchronized (this) {
            f = live.get(handle);
            if (f != null) {
                return f;
            }
            Started s = started.get(handle);
            if (s == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("unknown quantum evaluation " + handle));
            }
            // started in an earlier life of the framework: quantum jobs do not survive it, so compute it again
            try {
                launch(QuantumPlan.parse(s.options), s, handle);
                LOG.info("quantum evaluation {} of {} is computed again after a restart", handle, s.evaluationId);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new IllegalStateException("quantum evaluation " + handle + " cannot be redone: " + e.getMessage()));
            }
            return live.get(handle);
        }
    }

    @Override
    public void cancel(String handle) {
        QuantumJob<?> job = jobs.get(handle);
        if (job != null) {
            job.cancel();
        }
        CompletableFuture<EvaluationResult> f = live.get(handle);
        if (f != null) {
            f.cancel(false);
        }
    }
}
