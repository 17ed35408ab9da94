package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.CampaignTopics;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

class CampaignIT {

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    static CampaignStatusDTO awaitEnd(CampaignService s, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            CampaignStatusDTO st = s.status(id).orElseThrow();
            if (st.state.isTerminal()) {
                return st;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("campaign " + id + " did not end: " + s.status(id).orElseThrow().state);
    }

    @Test
    void aProgramRunAsSchedulerTasksIsTheObjective(@InjectService CampaignService campaigns, @InjectService Scheduler scheduler) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, CampaignTopics.ALL);
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class,
                e -> events.add(e.getTopic() + " " + e.getProperty(CampaignTopics.CAMPAIGN_ID)), p);
        try {
            Path file = dir.resolve("quad.yaml");
            Files.writeString(file, "name: quad\n"
                    + "seed: 3\n"
                    + "parameters:\n"
                    + "  - {name: x, type: continuous, min: 0, max: 1}\n"
                    + "  - {name: n, type: integer, min: 1, max: 3}\n"
                    + "constraints: ['x + 0.1 n <= 1.2']\n"
                    + "objectives: [{name: loss, goal: minimise}]\n"
                    + "budget: {evaluations: 6}\n"
                    + "batchSize: 3\n"
                    + "proposer: {kind: sobol}\n"
                    + "pipeline:\n"
                    + "  - name: run\n"
                    + "    evaluator: command\n"
                    + "    options:\n"
                    + "      command: \"awk -v x={x} -v n=$KUMIKI_PARAM_n 'BEGIN { printf \\\"{\\\\\\\"loss\\\\\\\": %f}\\\\n\\\", (x - 0.3)^2 + n }'\"\n");
            CampaignStatusDTO started = campaigns.start(file);
            CampaignStatusDTO end = awaitEnd(campaigns, started.id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);
            assertEquals(6, end.done);
            assertEquals(0, end.failed);
            List<EvaluationDTO> evs = campaigns.evaluations(started.id);
            for (EvaluationDTO e : evs) {
                double x = ((Number) e.point.get("x")).doubleValue();
                long n = ((Number) e.point.get("n")).longValue();
                assertEquals((x - 0.3) * (x - 0.3) + n, e.objectives.get("loss"), 1e-5, e.toString());
                assertTrue(x + 0.1 * n <= 1.2 + 1e-9);
                String task = e.dataRefs.get(0).substring("task:".length());
                assertEquals(TaskState.COMPLETED, scheduler.get(task).orElseThrow().state);
                assertEquals(e.id, scheduler.get(task).orElseThrow().spec.labels.get("campaign.evaluation"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean completed = false;
            while (!completed && System.nanoTime() < deadline) {
                String ev = events.poll(100, TimeUnit.MILLISECONDS);
                completed = ("org/kumiki/campaign/state/COMPLETED " + started.id).equals(ev);
            }
            assertTrue(completed, "a COMPLETED event for " + started.id);
        } finally {
            reg.unregister();
        }
    }

    @Test
    void aRestartedCampaignBundleReattachesToItsSchedulerTasks(@InjectService Scheduler scheduler) throws Exception {
        Path file = dir.resolve("restart.yaml");
        Files.writeString(file, "name: restart\nparameters: [{name: x, type: continuous, min: 0, max: 1}]\n"
                + "objectives: [{name: f, goal: max}]\nbudget: {evaluations: 4}\nbatchSize: 2\nproposer: {kind: sobol}\n"
                + "pipeline: [{evaluator: command, options: {command: \"sleep 2; echo '{\\\"f\\\": {x}}'\"}}]\n");
        org.osgi.framework.ServiceReference<CampaignService> ref = context.getServiceReference(CampaignService.class);
        org.osgi.framework.Bundle bundle = ref.getBundle();
        CampaignService first = context.getService(ref);
        String id = first.start(file).id;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (first.evaluations(id).stream().filter(e -> e.handle != null && e.state == EvaluationState.RUNNING).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "two evaluations in flight");
            Thread.sleep(10);
        }
        context.ungetService(ref);
        // the campaign bundle goes away with two scheduler tasks running, and comes back
        bundle.stop();
        bundle.start();
        org.osgi.util.tracker.ServiceTracker<CampaignService, CampaignService> tracker =
                new org.osgi.util.tracker.ServiceTracker<>(context, CampaignService.class, null);
        tracker.open();
        try {
            CampaignService second = tracker.waitForService(60_000);
            CampaignStatusDTO end = awaitEnd(second, id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);
            assertEquals(4, end.done);
            assertEquals(0, end.failed);
            long tasks = scheduler.list(new org.kumiki.scheduler.api.dto.TaskFilter()).stream()
                    .filter(t -> id.equals(t.spec.labels.get("campaign"))).count();
            assertEquals(4, tasks, "one scheduler task per evaluation: nothing started twice");
            for (EvaluationDTO e : second.evaluations(id)) {
                assertEquals(((Number) e.point.get("x")).doubleValue(), e.objectives.get("f"), 1e-6);
                assertEquals(1, e.attempt);
            }
        } finally {
            tracker.close();
        }
    }

    @Test
    void aFailingProgramIsRecordedAndTheCampaignGoesOn(@InjectService CampaignService campaigns) throws Exception {
        Path file = dir.resolve("fail.json");
        Files.writeString(file, "{\"name\": \"fail\", \"parameters\": [{\"name\": \"x\", \"type\": \"continuous\", \"min\": 0, \"max\": 1}],"
                + " \"objectives\": [{\"name\": \"f\", \"goal\": \"max\"}], \"budget\": {\"evaluations\": 2}, \"batchSize\": 2,"
                + " \"retry\": {\"maxAttempts\": 2}, \"proposer\": {\"kind\": \"random\"},"
                + " \"pipeline\": [{\"evaluator\": \"command\", \"options\": {\"command\": [\"sh\", \"-c\", \"exit 3\"]}}]}");
        CampaignStatusDTO end = awaitEnd(campaigns, campaigns.start(file).id);
        assertEquals(CampaignState.COMPLETED, end.state);
        assertEquals(2, end.failed);
        for (EvaluationDTO e : campaigns.evaluations(end.id)) {
            assertEquals(EvaluationState.FAILED, e.state);
            assertTrue(e.error.matches("step 'command' attempt 2/2: task task-\\S+ ended FAILED \\(exit 3\\).*"), e.error);
        }
    }

    @Test
    void evaluatorsComeAndGoAsServices(@InjectService CampaignService campaigns) throws Exception {
        Path file = dir.resolve("it.yaml");
        Files.writeString(file, "name: wb\nparameters: [{name: c, type: categorical, values: [a, b, c]}]\n"
                + "objectives: [{name: f, goal: target, target: 2}]\nbudget: {evaluations: 3}\nproposer: {kind: grid}\n"
                + "pipeline: [{evaluator: inmemory}]\n");
        CampaignException e = assertThrows(CampaignException.class, () -> campaigns.start(file));
        assertTrue(e.getMessage().startsWith(file + ":6:24: unknown evaluator 'inmemory' (known: ") && e.getMessage().contains("command"), e.getMessage());
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Evaluator.NAME, "inmemory");
        ServiceRegistration<Evaluator> reg = context.registerService(Evaluator.class, new Evaluator() {
            @Override
            public String start(EvaluationRequest r) {
                return (String) r.point.get("c");
            }

            @Override
            public CompletionStage<EvaluationResult> result(String handle) {
                return CompletableFuture.completedFuture(EvaluationResult.of(Map.of("f", (double) (handle.charAt(0) - 'a'))));
            }

            @Override
            public void cancel(String handle) {
            }
        }, p);
        try {
            CampaignStatusDTO end = awaitEnd(campaigns, campaigns.start(file).id);
            assertEquals(CampaignState.COMPLETED, end.state);
            assertEquals("c", end.best.point.get("c"));
            assertEquals(0.0, end.best.score);
        } finally {
            reg.unregister();
        }
    }
}
