package org.kumiki.campaign.simulation.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The {@code simulation} evaluator: each point is one run of the {@link SimulationService}
 * (whichever engine the spec names or the site has), its objectives reduced from the run's thermo
 * rows (see {@link SimulationPlan} for the options). The handle is the simulation run id. Every
 * run it starts is recorded (its options and point) in a journal
 * ({@code state/campaign/simulation/journal}), so after a restart a run that the simulation
 * service lists as INTERRUPTED is submitted again and the handle follows the new run; a run that
 * FAILED or was CANCELLED is a failed evaluation, which the campaign's retry policy handles.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + SimulationEvaluator.NAME)
public class SimulationEvaluator implements Evaluator {
    public static final String NAME = "simulation";
    /** How many redos one handle may chain through (a run interrupted again and again). */
    static final int MAX_REDOS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(SimulationEvaluator.class);
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** What the journal keeps of each run this evaluator started. */
    public static class Started {
        public String campaignId;
        public String evaluationId;
        public String stepName;
        public Map<String, Object> options = new LinkedHashMap<>();
        public Map<String, Object> point = new LinkedHashMap<>();
        /** The run that redid this one after it was interrupted. */
        public String redoneAs;
    }

    private final SimulationService simulations;
    private final Journal journal;
    private final Map<String, Started> started = new ConcurrentHashMap<>();

    @Activate
    public SimulationEvaluator(@Reference SimulationService simulations, @Reference JournalFactory journals,
            @Reference Installation installation) throws IOException {
        this(simulations, journals, installation.stateDirectory("campaign").resolve("simulation").resolve("journal"));
    }

    public SimulationEvaluator(SimulationService simulations, JournalFactory journals, Path journalDir) throws IOException {
        this.simulations = simulations;
        this.journal = journals.open(journalDir, (key, bytes) -> {
            try {
                started.put(key.substring(key.indexOf('/') + 1), JSON.readValue(bytes, Started.class));
            } catch (IOException | RuntimeException e) {
                LOG.warn("campaign simulation journal record {} is unreadable and skipped: {}", key, e.toString());
            }
        });
    }

    @Deactivate
    public void close() {
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the campaign simulation journal: {}", e.toString());
        }
    }

    /** The options at campaign start: the plan, and the mapping against the campaign's parameters. */
    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        SimulationPlan plan;
        try {
            plan = SimulationPlan.parse(step.options);
        } catch (SimulationPlan.Problem p) {
            return List.of(OptionProblem.of(p.getMessage(), p.path.toArray(String[]::new)));
        }
        Map<String, Object> sample = new LinkedHashMap<>();
        for (ParameterDTO p : definition.parameters) {
            sample.put(p.name, p.type == ParameterType.CATEGORICAL ? (p.values.isEmpty() ? "" : p.values.get(0))
                    : p.type == ParameterType.INTEGER ? (Object) Math.round(Math.ceil(p.min)) : (Object) ((p.min + p.max) / 2));
        }
        if (plan.map != null) {
            for (String name : plan.map.keySet()) {
                if (!sample.containsKey(name)) {
                    return List.of(OptionProblem.of("option 'map': unknown parameter '" + name + "' (the campaign has: "
                            + String.join(", ", sample.keySet()) + ")", "map", name));
                }
            }
        }
        try {
            plan.spec(sample);
        } catch (IllegalArgumentException e) {
            return List.of(OptionProblem.of(e.getMessage()));
        }
        return List.of();
    }

    /** An MD run: it counts against the budget's {@code simulations}. */
    @Override
    public org.kumiki.campaign.api.EvaluatorKind kind() {
        return org.kumiki.campaign.api.EvaluatorKind.SIMULATION;
    }

    @Override
    public String start(EvaluationRequest r) throws Exception {
        SimulationPlan plan = SimulationPlan.parse(r.options);
        Started s = new Started();
        s.campaignId = r.campaignId;
        s.evaluationId = r.evaluationId;
        s.stepName = r.stepName;
        s.options.putAll(r.options);
        s.point.putAll(r.point);
        return submit(plan, s);
    }

    private String submit(SimulationPlan plan, Started s) throws IOException {
        SimulationSpec spec = plan.spec(s.point);
        spec.name = s.evaluationId + "-" + s.stepName;
        spec.labels.put("campaign", String.valueOf(s.campaignId));
        spec.labels.put("campaign.evaluation", String.valueOf(s.evaluationId));
        RunDTO run;
        try {
            run = simulations.submit(spec);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("simulation refused: " + e.getMessage());
        }
        started.put(run.id, s);
        record(run.id, s);
        return run.id;
    }

    private void record(String runId, Started s) throws IOException {
        journal.put("run/" + runId, JSON.writeValueAsBytes(s));
        journal.flush();
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        return follow(handle, 0);
    }

    private CompletionStage<EvaluationResult> follow(String runId, int redos) {
        Started s = started.get(runId);
        if (s != null && s.redoneAs != null) {
            return redos >= MAX_REDOS ? failed("run " + runId + " was interrupted " + redos + " times; giving up")
                    : follow(s.redoneAs, redos + 1);
        }
        CompletionStage<RunDTO> done;
        try {
            done = simulations.await(runId);
        } catch (RuntimeException e) {
            return failed("unknown simulation run " + runId + ": " + e.getMessage());
        }
        return done.thenCompose(run -> ended(runId, run, redos));
    }

    private CompletionStage<EvaluationResult> ended(String runId, RunDTO run, int redos) {
        Started s = started.get(runId);
        if (RunState.INTERRUPTED.name().equals(run.state)) {
            if (s == null) {
                return failed("run " + runId + " was interrupted and this evaluator did not start it");
            }
            try {
                String again = redo(runId, s);
                LOG.info("simulation run {} of evaluation {} was interrupted ({}); redone as {}", runId, s.evaluationId, run.message, again);
                return follow(again, redos + 1);
            } catch (Exception e) {
                return failed("run " + runId + " was interrupted and cannot be redone: " + e.getMessage());
            }
        }
        if (!RunState.COMPLETED.name().equals(run.state)) {
            return failed("run " + runId + " ended " + run.state + (run.message != null ? ": " + run.message : ""));
        }
        if (s == null) {
            return failed("run " + runId + " was not started by this evaluator: its objectives are unknown");
        }
        try {
            SimulationResultDTO res = simulations.results(runId);
            EvaluationResult out = EvaluationResult.of(SimulationPlan.parse(s.options).values(res.thermo));
            out.dataRefs.add("simulation:" + runId);
            out.provenance.put(EvaluationResult.RUN_UID, runId);
            return CompletableFuture.completedFuture(out);
        } catch (RuntimeException e) {
            return failed("run " + runId + ": " + e.getMessage());
        }
    }

    /** Submits an interrupted run's point again, once: concurrent callers share the new run. */
    private synchronized String redo(String runId, Started s) throws IOException {
        if (s.redoneAs != null) {
            return s.redoneAs;
        }
        Started again = new Started();
        again.campaignId = s.campaignId;
        again.evaluationId = s.evaluationId;
        again.stepName = s.stepName;
        again.options.putAll(s.options);
        again.point.putAll(s.point);
        String id = submit(SimulationPlan.parse(s.options), again);
        s.redoneAs = id;
        record(runId, s);
        return id;
    }

    @Override
    public void cancel(String handle) {
        String id = handle;
        for (int i = 0; i <= MAX_REDOS && started.containsKey(id) && started.get(id).redoneAs != null; i++) {
            id = started.get(id).redoneAs;
        }
        try {
            simulations.cancel(id);
        } catch (RuntimeException e) {
            // unknown or ended: nothing to stop
        }
    }

    private static <T> CompletionStage<T> failed(String message) {
        return CompletableFuture.failedFuture(new IllegalStateException(message));
    }
}
