package org.kumiki.campaign.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;

import com.fasterxml.jackson.databind.JsonNode;

/** The option {@code task}: each point a scheduler task of {@code kumiki.simulation.run}. */
class SimulationTaskTest {

    @TempDir
    Path dir;

    final FakeSimulations sims = new FakeSimulations();
    final FakeScheduler sched = new FakeScheduler("local", "slurm");

    SimulationEvaluator evaluator(Scheduler scheduler) throws Exception {
        return new SimulationEvaluator(sims.service(), JournalFactoryComponent.withInterval(5), dir.resolve("journal"), scheduler);
    }

    static EvaluationRequest request(Object task) {
        EvaluationRequest r = SimulationEvaluatorTest.request(SimulationEvaluatorTest.PRESSURE);
        if (task != null) {
            r.options.put("task", task);
        }
        return r;
    }

    /** The function's result as the simulation bundle returns it with {@code "thermo": true}. */
    static String result(String runId, ThermoDTO... rows) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", runId);
        m.put("engine", "md");
        m.put("state", "COMPLETED");
        m.put("final", rows[rows.length - 1]);
        m.put("thermo", List.of(rows));
        return SimulationEvaluator.JSON.writeValueAsString(m);
    }

    static EvaluationResult join(java.util.concurrent.CompletionStage<EvaluationResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPointIsAFunctionTaskOnTheNamedBackendAndTheObjectiveItsReducedThermo() throws Exception {
        SimulationEvaluator e = evaluator(sched);
        String handle = e.start(request(Map.of("backend", "slurm", "partition", "debug", "cpus", 2, "walltime", "10m")));
        assertEquals("task-1", handle);
        assertTrue(sims.specs.isEmpty(), "not run in the container's own pool");
        TaskSpec t = sched.tasks.get(handle).spec;
        assertEquals("kumiki.simulation.run", t.function);
        assertEquals("slurm", t.backend);
        assertEquals("debug", t.partition);
        assertEquals(2, t.resources.cpus);
        assertEquals(600, t.resources.walltimeSeconds);
        assertEquals("lj-1-0-md", t.name);
        assertEquals("lj-1-0", t.labels.get("campaign.evaluation"));
        assertEquals("1", t.labels.get("campaign.attempt"));
        JsonNode args = SimulationEvaluator.JSON.readTree(t.arguments);
        assertTrue(args.get("thermo").asBoolean(), "every thermo row is asked back");
        assertEquals(1.5, args.get("spec").get("temperature").asDouble());
        assertEquals(3, args.get("spec").get("cellsY").asInt());
        assertEquals(100, args.get("spec").get("steps").asInt());
        sched.end(handle, TaskState.COMPLETED, 0, null,
                result("run-7", ThermoDTO.of(0, 1.5, -6, -4, 1), ThermoDTO.of(50, 1, -6, -4, 2), ThermoDTO.of(100, 1, -6, -4, 4)));
        EvaluationResult r = join(e.result(handle));
        assertEquals(Map.of("pressure", 3.0), r.values, "mean of the last 2 rows, as for a run");
        assertEquals(List.of("task:task-1"), r.dataRefs);
        assertEquals("task-1", r.provenance.get(EvaluationResult.TASK_ID));
        assertEquals("run-7", r.provenance.get(EvaluationResult.RUN_UID));
        e.cancel(handle);
        assertEquals(List.of("task-1"), sched.cancelled);
        assertTrue(sims.cancelled.isEmpty());
        e.close();
    }

    @Test
    void withoutTheOptionNothingChanges() throws Exception {
        SimulationEvaluator e = evaluator(sched);
        String run = e.start(request(null));
        assertEquals("run-1", run);
        assertTrue(sched.tasks.isEmpty(), "no scheduler task without option 'task'");
        sims.end(run, "COMPLETED", null, ThermoDTO.of(0, 1.5, -6, -4, 1), ThermoDTO.of(100, 1, -6, -4, 3));
        assertEquals(Map.of("pressure", 2.0), join(e.result(run)).values);
        e.close();
    }

    @Test
    void afterARestartTheTaskIsAwaitedByIdAndALostTaskRunsAgainOnce() throws Exception {
        SimulationEvaluator first = evaluator(sched);
        String handle = first.start(request(Map.of("backend", "local")));
        first.close(); // the container stops
        SimulationEvaluator second = evaluator(sched);
        var result = second.result(handle).toCompletableFuture();
        assertFalse(result.isDone());
        // the local task died with the container: the scheduler marks it LOST
        sched.end(handle, TaskState.LOST, null, "the container stopped while it ran", null);
        assertEquals(2, sched.tasks.size(), "the point runs again");
        TaskSpec again = sched.tasks.get("task-2").spec;
        assertEquals("task-1", again.labels.get("campaign.replaces"));
        assertEquals("1", again.labels.get("campaign.attempt"), "no attempt spent");
        second.close();
        // another restart before the replacement ends: the handle leads to task-2, not a third task
        SimulationEvaluator third = evaluator(sched);
        var followed = third.result(handle).toCompletableFuture();
        sched.end("task-2", TaskState.COMPLETED, 0, null, result("run-2", ThermoDTO.of(0, 1.5, -6, -4, 5), ThermoDTO.of(100, 1.5, -6, -4, 7)));
        assertEquals(Map.of("pressure", 6.0), join(followed).values);
        assertEquals(Map.of("pressure", 6.0), result.get(10, TimeUnit.SECONDS).values);
        assertEquals(2, sched.tasks.size(), "no third task");
        third.cancel(handle);
        assertEquals(List.of("task-2"), sched.cancelled, "cancel follows the handle to the task that replaced it");
        third.close();
    }

    @Test
    void startingAnAttemptAgainAfterARestartFollowsTheTaskItSubmitted() throws Exception {
        SimulationEvaluator first = evaluator(sched);
        String handle = first.start(request(Map.of()));
        first.close(); // killed before the engine recorded the handle: it starts the attempt again
        SimulationEvaluator second = evaluator(sched);
        assertEquals(handle, second.start(request(Map.of())));
        assertEquals(1, sched.tasks.size(), "no second task for one attempt");
        assertEquals(null, sched.tasks.get(handle).spec.backend, "task: {} is the scheduler's default backend");
        EvaluationRequest retry = request(Map.of());
        retry.attempt = 2;
        assertEquals("task-2", second.start(retry), "a new attempt is a new task");
        second.close();
    }

    @Test
    void aTaskThatFailsOrReturnsNoThermoIsAFailedEvaluationInOneLine() throws Exception {
        SimulationEvaluator e = evaluator(sched);
        String a = e.start(request(Map.of("backend", "slurm")));
        sched.end(a, TaskState.FAILED, 1, "run-3 FAILED: unstable at step 12", null);
        CompletionException x = assertThrows(CompletionException.class, () -> e.result(a).toCompletableFuture().join());
        assertEquals("task task-1 ended FAILED (exit 1): run-3 FAILED: unstable at step 12", x.getCause().getMessage());
        EvaluationRequest other = request(Map.of("backend", "slurm"));
        other.evaluationId = "lj-1-1";
        String b = e.start(other);
        sched.end(b, TaskState.COMPLETED, 0, null, "{\"runId\":\"run-4\",\"final\":{\"step\":100}}");
        x = assertThrows(CompletionException.class, () -> e.result(b).toCompletableFuture().join());
        assertEquals("task task-2: its result has no thermo rows (is the simulation bundle where it ran older than this evaluator?)",
                x.getCause().getMessage());
        x = assertThrows(CompletionException.class, () -> e.result("task-99").toCompletableFuture().join());
        assertEquals("task task-99 was not started by this evaluator: its objectives are unknown", x.getCause().getMessage());
        e.close();
    }

    @Test
    void badTaskOptionsAreOneLineAtTheirKeyAndAgainAtStart() throws Exception {
        SimulationEvaluator e = evaluator(sched);
        assertProblem(e, Map.of("backend", "slrum"), "option 'task.backend': unknown scheduler backend 'slrum' (known: local, slurm)", "task", "backend");
        assertProblem(e, Map.of("queue", "x"), "option 'task': unknown key 'queue' (known: backend, partition, cpus, walltime)", "task", "queue");
        assertProblem(e, Map.of("cpus", 0), "option 'task.cpus' must be a whole number 1 to 4096, got 0", "task", "cpus");
        assertProblem(e, Map.of("cpus", 1.5), "option 'task.cpus' must be a whole number 1 to 4096, got 1.5", "task", "cpus");
        assertProblem(e, Map.of("walltime", "ten minutes"),
                "option 'task.walltime' must be seconds or a duration like 90s, 10m, 2h, 1d, got ten minutes", "task", "walltime");
        assertProblem(e, Map.of("walltime", -5), "option 'task.walltime' must be seconds or a duration like 90s, 10m, 2h, 1d, got -5", "task", "walltime");
        assertProblem(e, Map.of("partition", "a b"),
                "option 'task.partition' must be a name of letters, digits, '_', '.' or '-' (at most 64), got a b", "task", "partition");
        assertProblem(e, "slurm", "option 'task' must be a map, e.g. {backend: slurm, partition: debug, cpus: 1, walltime: 10m}", "task");
        assertTrue(e.validate(definition(), step(Map.of("backend", "slurm", "walltime", 90))).isEmpty());
        // at start: the same lines, and the scheduler's refusal
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.start(request(Map.of("cpus", 0))));
        assertEquals("option 'task.cpus' must be a whole number 1 to 4096, got 0", x.getMessage());
        x = assertThrows(IllegalArgumentException.class, () -> e.start(request(Map.of("backend", "slrum"))));
        assertEquals("the scheduler refused the point: unknown backend slrum", x.getMessage());
        assertTrue(sched.tasks.isEmpty());
        e.close();
        // no scheduler on this site
        SimulationEvaluator none = evaluator(null);
        List<OptionProblem> p = none.validate(definition(), step(Map.of()));
        assertEquals("option 'task': no scheduler is available to run the points as tasks", p.get(0).message);
        IllegalStateException y = assertThrows(IllegalStateException.class, () -> none.start(request(Map.of())));
        assertEquals("no scheduler is available: option 'task' runs the points as scheduler tasks", y.getMessage());
        none.close();
    }

    static void assertProblem(SimulationEvaluator e, Object task, String message, String... path) {
        List<OptionProblem> p = e.validate(definition(), step(task));
        assertEquals(1, p.size(), String.valueOf(p));
        assertEquals(message, p.get(0).message);
        assertEquals(List.of(path), p.get(0).path);
    }

    static CampaignDefinition definition() {
        CampaignDefinition d = new CampaignDefinition();
        ParameterDTO t = new ParameterDTO();
        t.name = "T";
        t.type = ParameterType.CONTINUOUS;
        t.min = 0.8;
        t.max = 2.0;
        d.parameters.add(t);
        return d;
    }

    static StepDTO step(Object task) {
        StepDTO s = new StepDTO();
        s.name = "md";
        s.evaluator = "simulation";
        s.options.putAll(request(task).options);
        return s;
    }
}
