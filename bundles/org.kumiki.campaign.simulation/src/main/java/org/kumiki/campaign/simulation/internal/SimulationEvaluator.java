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
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code simulation} evaluator: each point is one run of the {@link SimulationService}
 * (whichever engine the spec names or the site has), its objectives reduced from the run's thermo
 * rows (see {@link SimulationPlan} for the options). The handle is the simulation run id. Every
 * run it starts is recorded (its options and point) in a journal
 * ({@code state/campaign/simulation/journal}), so after a restart a run that the simulation
 * service lists as INTERRUPTED is submitted again and the handle follows the new run; a run that
 * FAILED or was CANCELLED is a failed evaluation, which the campaign's retry policy handles.
 * <p>
 * With the option {@code task} ({@link TaskOption}) each point is instead a scheduler task of the
 * function {@value TaskOption#FUNCTION} on the backend it names (local or Slurm); the handle is the
 * task id, re-attaching after a restart is the scheduler's (await the task by id), a task LOST with
 * the container is run again as a task that replaces it (without spending an attempt), and the
 * objectives are reduced from the thermo rows in the function's result exactly as for a run.
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
        /** The run that redid this one after it was interrupted (or the task that replaced a LOST one). */
        public String redoneAs;
        /** Whether the handle is a scheduler task (option {@code task}) rather than a simulation run. */
        public boolean task;
        /** The evaluation's attempt (task labels). */
        public int attempt;
    }

    /** Labels of a point's task; {@link #REPLACES} marks a task run again after its predecessor was LOST. */
    static final String EVALUATION = "campaign.evaluation";
    static final String STEP = "campaign.step";
    static final String ATTEMPT = "campaign.attempt";
    static final String REPLACES = "campaign.replaces";

    private final SimulationService simulations;
    private final Journal journal;
    private final Map<String, Started> started = new ConcurrentHashMap<>();
    /** Only steps with the option {@code task} need it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    volatile Scheduler scheduler;

    @Activate
    public SimulationEvaluator(@Reference SimulationService simulations, @Reference JournalFactory journals,
            @Reference Installation installation) throws IOException {
        this(simulations, journals, installation.stateDirectory("campaign").resolve("simulation").resolve("journal"), null);
    }

    SimulationEvaluator(SimulationService simulations, JournalFactory journals, Path journalDir) throws IOException {
        this(simulations, journals, journalDir, null);
    }

    SimulationEvaluator(SimulationService simulations, JournalFactory journals, Path journalDir, Scheduler scheduler) throws IOException {
        this.simulations = simulations;
        this.scheduler = scheduler;
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
        if (plan.task != null) {
            Scheduler sched = scheduler;
            if (sched == null) {
                return List.of(OptionProblem.of("option 'task': no scheduler is available to run the points as tasks", "task"));
            }
            if (plan.task.backend() != null) {
                List<String> known = sched.backends().stream().map(b -> b.name).toList();
                if (!known.contains(plan.task.backend())) {
                    return List.of(OptionProblem.of("option 'task.backend': unknown scheduler backend '" + plan.task.backend() + "' (known: "
                            + String.join(", ", known) + ")", "task", "backend"));
                }
            }
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
        s.attempt = r.attempt;
        if (plan.task != null) {
            s.task = true;
            return submitTask(plan, s);
        }
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

    private void record(String handle, Started s) throws IOException {
        journal.put((s.task ? "task/" : "run/") + handle, JSON.writeValueAsBytes(s));
        journal.flush();
    }

    // ------------------------------------------------------------------ points as scheduler tasks

    private Scheduler scheduler() {
        Scheduler sched = scheduler;
        if (sched == null) {
            throw new IllegalStateException("no scheduler is available: option 'task' runs the points as scheduler tasks");
        }
        return sched;
    }

    /** The point's function task: the spec with every thermo row asked back, on the backend of option {@code task}. */
    static TaskSpec taskSpec(SimulationPlan plan, Started s) {
        SimulationSpec spec = plan.spec(s.point);
        spec.name = s.evaluationId + "-" + s.stepName;
        spec.labels.put("campaign", String.valueOf(s.campaignId));
        spec.labels.put(EVALUATION, String.valueOf(s.evaluationId));
        ObjectNode args = JSON.createObjectNode();
        args.set("spec", JSON.valueToTree(spec));
        args.put("thermo", true);
        TaskSpec t = TaskSpec.function(spec.name, TaskOption.FUNCTION, args.toString());
        t.backend = plan.task.backend();
        t.partition = plan.task.partition();
        t.resources.cpus = plan.task.cpus();
        t.resources.walltimeSeconds = plan.task.walltimeSeconds();
        t.labels.put("campaign", String.valueOf(s.campaignId));
        t.labels.put(EVALUATION, String.valueOf(s.evaluationId));
        t.labels.put(STEP, String.valueOf(s.stepName));
        t.labels.put(ATTEMPT, String.valueOf(s.attempt));
        return t;
    }

    /**
     * Submits the point's task, idempotently: a container killed between the submit and the
     * engine's record of the handle starts this attempt again after the restart, and the task it
     * submitted then is the one followed.
     */
    private String submitTask(SimulationPlan plan, Started s) throws IOException {
        Scheduler sched = scheduler();
        TaskSpec t = taskSpec(plan, s);
        TaskFilter same = TaskFilter.all();
        same.labels.put(EVALUATION, String.valueOf(s.evaluationId));
        same.labels.put(STEP, String.valueOf(s.stepName));
        same.labels.put(ATTEMPT, String.valueOf(s.attempt));
        for (TaskRecordDTO r : sched.list(same)) {
            if (r.spec != null && r.spec.labels.entrySet().containsAll(same.labels.entrySet()) && !r.spec.labels.containsKey(REPLACES)) {
                LOG.info("evaluation {} step {} attempt {}: task {} was submitted before a restart; following it", s.evaluationId, s.stepName, s.attempt, r.id);
                started.putIfAbsent(r.id, s);
                record(r.id, started.get(r.id));
                return r.id;
            }
        }
        TaskRecordDTO rec;
        try {
            rec = sched.submit(t);
        } catch (TaskRejectedException e) {
            throw new IllegalArgumentException("the scheduler refused the point: " + e.getMessage());
        }
        started.put(rec.id, s);
        record(rec.id, s);
        return rec.id;
    }

    private CompletionStage<EvaluationResult> followTask(String handle, int replaced) {
        String taskId = current(handle);
        if (taskId == null) {
            return failed("task " + handle + " was LOST more than " + MAX_REDOS + " times; giving up");
        }
        Scheduler sched = scheduler;
        if (sched == null) {
            return failed("no scheduler is available to follow task " + taskId);
        }
        CompletionStage<TaskRecordDTO> done;
        try {
            done = sched.await(taskId);
        } catch (RuntimeException e) {
            return failed("unknown task " + taskId + ": " + e.getMessage());
        }
        return done.thenCompose(rec -> taskEnded(taskId, rec, replaced));
    }

    private CompletionStage<EvaluationResult> taskEnded(String taskId, TaskRecordDTO rec, int replaced) {
        Started s = started.get(taskId);
        if (s == null) {
            return failed("task " + taskId + " was not started by this evaluator: its objectives are unknown");
        }
        if (rec.state == TaskState.LOST) {
            if (replaced >= MAX_REDOS) {
                return failed("task " + taskId + " was LOST " + replaced + " times; giving up");
            }
            try {
                String again = replace(taskId, s, rec.reason);
                return followTask(again, replaced + 1);
            } catch (Exception e) {
                return failed("task " + taskId + " was LOST and cannot run again: " + e.getMessage());
            }
        }
        if (rec.state != TaskState.COMPLETED) {
            return failed("task " + taskId + " ended " + rec.state + (rec.exitCode != null ? " (exit " + rec.exitCode + ")" : "")
                    + (rec.reason != null ? ": " + rec.reason : ""));
        }
        try {
            JsonNode res = rec.result == null ? null : JSON.readTree(rec.result);
            JsonNode rows = res == null ? null : res.get("thermo");
            if (rows == null || !rows.isArray()) {
                return failed("task " + taskId + ": its result has no thermo rows (is the simulation bundle where it ran older than this evaluator?)");
            }
            List<ThermoDTO> thermo = JSON.convertValue(rows, new TypeReference<List<ThermoDTO>>() { });
            EvaluationResult out = EvaluationResult.of(SimulationPlan.parse(s.options).values(thermo));
            out.dataRefs.add("task:" + taskId);
            out.provenance.put(EvaluationResult.TASK_ID, taskId);
            String runId = res.path("runId").asText("");
            if (!runId.isEmpty()) {
                out.provenance.put(EvaluationResult.RUN_UID, runId);
            }
            return CompletableFuture.completedFuture(out);
        } catch (IOException | RuntimeException e) {
            return failed("task " + taskId + ": " + e.getMessage());
        }
    }

    /**
     * Runs a LOST task's point again (its process died with the container: a local task cannot be
     * re-attached), once: the task submitted before a restart, or a new one labelled {@link #REPLACES}.
     */
    private synchronized String replace(String taskId, Started s, String reason) throws IOException {
        if (s.redoneAs != null) {
            return s.redoneAs;
        }
        Scheduler sched = scheduler();
        String id = null;
        TaskFilter next = TaskFilter.all();
        next.labels.put(REPLACES, taskId);
        for (TaskRecordDTO t : sched.list(next)) {
            if (t.spec != null && taskId.equals(t.spec.labels.get(REPLACES))) {
                id = t.id;
            }
        }
        Started again = new Started();
        again.campaignId = s.campaignId;
        again.evaluationId = s.evaluationId;
        again.stepName = s.stepName;
        again.options.putAll(s.options);
        again.point.putAll(s.point);
        again.task = true;
        again.attempt = s.attempt;
        if (id == null) {
            TaskSpec t = taskSpec(SimulationPlan.parse(s.options), again);
            t.labels.put(REPLACES, taskId);
            try {
                id = sched.submit(t).id;
            } catch (TaskRejectedException e) {
                throw new IllegalStateException("the scheduler refused it: " + e.getMessage());
            }
        }
        started.putIfAbsent(id, again);
        record(id, started.get(id));
        s.redoneAs = id;
        record(taskId, s);
        LOG.info("task {} of evaluation {} was LOST ({}): its point runs again as {}; the evaluation spends no attempt on it", taskId,
                s.evaluationId, reason, id);
        return id;
    }

    // ------------------------------------------------------------------ points as simulation runs

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        Started s = started.get(handle);
        if (s != null && s.task) {
            return followTask(handle, 0);
        }
        if (s == null && handle.startsWith("task-")) {
            return failed("task " + handle + " was not started by this evaluator: its objectives are unknown");
        }
        return follow(handle, 0);
    }

    private CompletionStage<EvaluationResult> follow(String handle, int redos) {
        String runId = current(handle);
        if (runId == null) {
            return failed("run " + handle + " was interrupted more than " + MAX_REDOS + " times; giving up");
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
        if (run.state == RunState.INTERRUPTED) {
            if (s == null) {
                return failed("run " + runId + " was interrupted and this evaluator did not start it");
            }
            if (redos >= MAX_REDOS) {
                return failed("run " + runId + " was interrupted " + redos + " times; giving up");
            }
            try {
                String again = redo(runId, s);
                LOG.info("simulation run {} of evaluation {} was interrupted ({}); redone as {}", runId, s.evaluationId, run.message, again);
                return follow(again, redos + 1);
            } catch (Exception e) {
                return failed("run " + runId + " was interrupted and cannot be redone: " + e.getMessage());
            }
        }
        if (run.state != RunState.COMPLETED) {
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

    /**
     * The run or task that stands for a handle now: a run interrupted (or a task LOST) and done
     * again points to its redo, also across restarts (the journal keeps the links). Null when the
     * chain is longer than {@link #MAX_REDOS}.
     */
    private String current(String handle) {
        String id = handle;
        for (int i = 0; i <= MAX_REDOS; i++) {
            Started s = started.get(id);
            if (s == null || s.redoneAs == null) {
                return id;
            }
            id = s.redoneAs;
        }
        return null;
    }

    @Override
    public void cancel(String handle) {
        String id = current(handle);
        if (id == null) {
            return;
        }
        Started s = started.get(id);
        try {
            if (s != null && s.task) {
                Scheduler sched = scheduler;
                if (sched != null) {
                    sched.cancel(id);
                }
            } else {
                simulations.cancel(id);
            }
        } catch (RuntimeException e) {
            // unknown or ended: nothing to stop
        }
    }

    private static <T> CompletionStage<T> failed(String message) {
        return CompletableFuture.failedFuture(new IllegalStateException(message));
    }
}
