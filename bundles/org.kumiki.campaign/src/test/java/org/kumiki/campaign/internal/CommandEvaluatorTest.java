package org.kumiki.campaign.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

class CommandEvaluatorTest {
    @TempDir
    Path dir;

    /** Records submissions; the test ends the tasks. */
    static final class FakeScheduler implements Scheduler {
        final Map<String, TaskRecordDTO> tasks = new HashMap<>();
        final Map<String, CompletableFuture<TaskRecordDTO>> waits = new HashMap<>();
        final List<String> cancelled = new ArrayList<>();

        @Override
        public TaskRecordDTO submit(TaskSpec spec) {
            TaskRecordDTO t = new TaskRecordDTO();
            t.id = "task-" + (tasks.size() + 1);
            t.spec = spec;
            t.state = TaskState.PENDING;
            tasks.put(t.id, t);
            waits.put(t.id, new CompletableFuture<>());
            return t;
        }

        void end(String id, TaskState state, Integer exit, String stdout) throws Exception {
            TaskRecordDTO t = tasks.get(id);
            t.state = state;
            t.exitCode = exit;
            Files.writeString(Path.of(t.spec.stdout), stdout);
            waits.get(id).complete(t);
        }

        /** Sizes of the batches given to submitAll. */
        final List<Integer> batches = new ArrayList<>();

        @Override
        public List<TaskRecordDTO> submitAll(List<TaskSpec> specs) {
            batches.add(specs.size());
            List<TaskRecordDTO> out = new ArrayList<>();
            for (TaskSpec spec : specs) out.add(submit(spec));
            return out;
        }

        @Override
        public Optional<TaskRecordDTO> get(String id) {
            return Optional.ofNullable(tasks.get(id));
        }

        @Override
        public List<TaskRecordDTO> list(TaskFilter filter) {
            List<TaskRecordDTO> out = new ArrayList<>();
            for (TaskRecordDTO t : tasks.values()) {
                if (t.spec.labels.entrySet().containsAll(filter.labels.entrySet())) {
                    out.add(t);
                }
            }
            return out;
        }

        @Override
        public boolean cancel(String id) {
            if (!tasks.containsKey(id)) {
                throw new TaskRejectedException("unknown task " + id);
            }
            cancelled.add(id);
            return true;
        }

        @Override
        public CompletionStage<TaskRecordDTO> await(String id) {
            CompletableFuture<TaskRecordDTO> f = waits.get(id);
            if (f == null) {
                throw new TaskRejectedException("no task " + id);
            }
            return f;
        }

        @Override
        public List<BackendDTO> backends() {
            return List.of();
        }
    }

    private static int evaluations;

    /** A request of a new evaluation each time (the same evaluation, step and attempt is the same task). */
    private static EvaluationRequest request(Object command) {
        EvaluationRequest r = new EvaluationRequest();
        r.campaignId = "c-1";
        r.evaluationId = "c-1-" + evaluations++;
        r.stepName = "run";
        r.attempt = 1;
        r.point.put("x", 0.25);
        r.point.put("solvent", "water");
        r.inputs.put("pre", 2.0);
        r.options.put("command", command);
        return r;
    }

    private static String failure(CompletionStage<EvaluationResult> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.toCompletableFuture().get());
        return e.getCause().getMessage();
    }

    /** A batch is one submitAll (all or nothing; on Slurm one job array); a step already submitted before a restart is followed. */
    @Test
    void aBatchIsOneSubmitAll() throws Exception {
        FakeScheduler s = new FakeScheduler();
        CommandEvaluator ev = new CommandEvaluator(s, dir);
        EvaluationRequest old = request(List.of("true"));
        String before = ev.start(old);
        List<String> handles = ev.startAll(List.of(request(List.of("true")), old, request(List.of("true"))));
        assertEquals(List.of(2), s.batches);
        assertEquals(before, handles.get(1));
        assertEquals(3, s.tasks.size(), "the old step is not submitted again");
        assertEquals("KUMIKI_POINT", s.tasks.get(handles.get(2)).spec.environment.keySet().iterator().next());
    }

    @Test
    void runsTheProgramAsASchedulerTaskAndReadsItsJson() throws Exception {
        FakeScheduler s = new FakeScheduler();
        CommandEvaluator ev = new CommandEvaluator(s, dir);
        EvaluationRequest r = request(List.of("python3", "f.py", "--x={x}", "--s={solvent}", 3));
        r.options.put("cpus", 2);
        r.options.put("walltime", 60);
        r.options.put("environment", Map.of("A", "b"));
        String handle = ev.start(r);
        TaskSpec spec = s.tasks.get(handle).spec;
        assertEquals(List.of("python3", "f.py", "--x=0.25", "--s=water", "3"), spec.command);
        assertEquals("{\"x\":0.25,\"solvent\":\"water\"}", spec.environment.get("KUMIKI_POINT"));
        assertEquals("{\"pre\":2.0}", spec.environment.get("KUMIKI_INPUTS"));
        assertEquals("0.25", spec.environment.get("KUMIKI_PARAM_x"));
        assertEquals("b", spec.environment.get("A"));
        assertEquals(2, spec.resources.cpus);
        assertEquals(60, spec.resources.walltimeSeconds);
        assertEquals(r.evaluationId, spec.labels.get("campaign.evaluation"));
        assertEquals("run", spec.labels.get("campaign.step"));
        assertEquals("1", spec.labels.get("campaign.attempt"));
        // a restarted engine re-attaches by the handle alone
        CompletionStage<EvaluationResult> result = new CommandEvaluator(s, dir).result(handle);
        s.end(handle, TaskState.COMPLETED, 0, "starting\nstep 1 {not json\n{\"yield\": 0.8, \"label\": \"x\", \"dataRefs\": [\"file:/d/1\"]}\n");
        EvaluationResult res = result.toCompletableFuture().get();
        assertEquals(Map.of("yield", 0.8), res.values);
        assertEquals(List.of("file:/d/1", "task:" + handle), res.dataRefs);
    }

    @Test
    void startingAnAttemptAgainFollowsTheTaskItSubmittedBeforeARestart() throws Exception {
        FakeScheduler s = new FakeScheduler();
        EvaluationRequest r = request(List.of("true"));
        String first = new CommandEvaluator(s, dir).start(r);
        // the container died before the engine recorded the handle: the new life starts the attempt again
        assertEquals(first, new CommandEvaluator(s, dir).start(r));
        assertEquals(1, s.tasks.size(), "no second task for one attempt");
        r.attempt = 2;
        assertTrue(!first.equals(new CommandEvaluator(s, dir).start(r)), "a new attempt is a new task");
    }

    @Test
    void aTaskLostWithTheContainerRunsAgainWithoutSpendingAnAttemptAndOnlyOnceAcrossRestarts() throws Exception {
        FakeScheduler s = new FakeScheduler();
        String lost = new CommandEvaluator(s, dir).start(request(List.of("true")));
        CompletionStage<EvaluationResult> result = new CommandEvaluator(s, dir).result(lost);
        s.tasks.get(lost).reason = "the scheduler restarted while the task ran";
        s.end(lost, TaskState.LOST, null, "");
        String again = s.tasks.values().stream().filter(t -> lost.equals(t.spec.labels.get("campaign.replaces"))).findFirst().orElseThrow().id;
        // a restart before the replacement ends follows it instead of submitting a third task
        CompletionStage<EvaluationResult> afterRestart = new CommandEvaluator(s, dir).result(lost);
        assertEquals(2, s.tasks.size());
        s.end(again, TaskState.COMPLETED, 0, "{\"f\": 2}");
        assertEquals(Map.of("f", 2.0), result.toCompletableFuture().get().values);
        assertEquals(Map.of("f", 2.0), afterRestart.toCompletableFuture().get().values);
        assertEquals(again, afterRestart.toCompletableFuture().get().provenance.get(EvaluationResult.TASK_ID));
        // a program that fails is not run again here: that is the campaign's retry policy
        String failing = new CommandEvaluator(s, dir).start(request(List.of("false")));
        CompletionStage<EvaluationResult> f = new CommandEvaluator(s, dir).result(failing);
        s.end(failing, TaskState.FAILED, 1, "");
        assertTrue(failure(f).contains("ended FAILED"));
        assertEquals(3, s.tasks.size());
    }

    @Test
    void aTaskLostAgainAndAgainFailsTheAttemptWithOneLine() throws Exception {
        FakeScheduler s = new FakeScheduler();
        String id = new CommandEvaluator(s, dir).start(request(List.of("true")));
        CompletionStage<EvaluationResult> result = new CommandEvaluator(s, dir).result(id);
        for (int i = 0; i <= CommandEvaluator.MAX_REPLACEMENTS; i++) {
            String current = id;
            s.tasks.get(current).reason = "lost " + i;
            s.end(current, TaskState.LOST, null, "");
            id = s.tasks.values().stream().filter(t -> current.equals(t.spec.labels.get("campaign.replaces"))).map(t -> t.id).findFirst().orElse(current);
        }
        assertTrue(failure(result).contains("was LOST " + (CommandEvaluator.MAX_REPLACEMENTS + 1) + " times in a row"), failure(result));
    }

    @Test
    void aShellLineRunsThroughSh() throws Exception {
        FakeScheduler s = new FakeScheduler();
        String h = new CommandEvaluator(s, dir).start(request("echo '{\"f\": {x}}'"));
        assertEquals(List.of("sh", "-c", "echo '{\"f\": 0.25}'"), s.tasks.get(h).spec.command);
    }

    @Test
    void everyFailureIsOneLine() throws Exception {
        FakeScheduler s = new FakeScheduler();
        CommandEvaluator ev = new CommandEvaluator(s, dir);
        assertEquals("option 'command' is missing: give a list of words or a shell line",
                assertThrows(IllegalArgumentException.class, () -> ev.start(request(null))).getMessage());
        assertEquals("option 'command': every word must be a string or a number",
                assertThrows(IllegalArgumentException.class, () -> ev.start(request(List.of("a", Map.of())))).getMessage());
        EvaluationRequest bad = request(List.of("true"));
        bad.options.put("cpus", "many");
        assertEquals("option 'cpus' must be a number >= 0, got many", assertThrows(IllegalArgumentException.class, () -> ev.start(bad)).getMessage());

        String failed = ev.start(request(List.of("false")));
        CompletionStage<EvaluationResult> f1 = ev.result(failed);
        s.tasks.get(failed).reason = "exit code 3";
        s.end(failed, TaskState.FAILED, 3, "");
        assertEquals("task " + failed + " ended FAILED (exit 3): exit code 3", failure(f1));

        String silent = ev.start(request(List.of("true")));
        CompletionStage<EvaluationResult> f2 = ev.result(silent);
        s.end(silent, TaskState.COMPLETED, 0, "no json here\n[1, 2]\n");
        assertEquals("task " + silent + " printed no JSON object on its standard output", failure(f2));

        assertTrue(failure(ev.result("task-999")).startsWith("unknown task task-999: "));
        ev.cancel("task-999"); // ignored
        ev.cancel(silent);
        assertEquals(List.of(silent), s.cancelled);
    }

    @Test
    void nanIsPassedOnForTheEngineToRefuse() throws Exception {
        EvaluationResult r = new CommandEvaluator(new FakeScheduler(), dir).parse("t", "{\"f\": \"NaN\", \"g\": 1}");
        assertTrue(Double.isNaN(r.values.get("f")));
        assertEquals(1.0, r.values.get("g"));
    }
}
