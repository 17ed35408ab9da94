package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The {@code simulation} evaluator: campaigns whose points are embedded MD runs of the SimulationService. */
class SimulationEvaluatorIT {

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    /** Short NVT runs of a small LJ fluid at the density of LAMMPS's in.lj (108 atoms, 300 steps). */
    static final String SPEC = "{cells: 3, steps: 300, thermoEvery: 30, density: 0.8442, ensemble: nvt, engine: md, threads: 1}";
    static final String OBJECTIVE = "{pressure: {column: press, reduce: mean, last: 5}}";

    static double pressureAt(SimulationService sims, double temperature) throws Exception {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 3;
        s.steps = 300;
        s.thermoEvery = 30;
        s.ensemble = SimulationSpec.ENSEMBLE_NVT;
        s.engine = "md";
        s.threads = 1;
        s.temperature = temperature;
        RunDTO run = sims.submit(s);
        assertEquals(RunState.COMPLETED, sims.await(run.id).toCompletableFuture().get(60, TimeUnit.SECONDS).state);
        List<ThermoDTO> rows = sims.results(run.id).thermo;
        return rows.subList(rows.size() - 5, rows.size()).stream().mapToDouble(t -> t.pressure).average().getAsDouble();
    }

    @Test
    void aTargetPressureCampaignFindsTheTemperatureOfTheMdRunThatGivesIt(@InjectService CampaignService campaigns,
            @InjectService SimulationService sims) throws Exception {
        double target = pressureAt(sims, 1.2);
        Path file = dir.resolve("lj-pressure.yaml");
        Files.writeString(file, "name: lj-pressure\nseed: 5\n"
                + "parameters: [{name: T, type: continuous, min: 0.5, max: 2.0}]\n"
                + "objectives: [{name: pressure, goal: target, target: " + String.format(Locale.ROOT, "%.6f", target) + "}]\n"
                + "budget: {evaluations: 10}\nproposer: {kind: bayesian, initialPoints: 4}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n"
                + "      spec: " + SPEC + "\n      map: {T: temperature}\n      objective: " + OBJECTIVE + "\n");
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, campaigns.start(file).id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(10, end.done);
        assertEquals(0, end.failed);
        double best = ((Number) end.best.point.get("T")).doubleValue();
        double p = end.best.objectives.get("pressure");
        assertTrue(Math.abs(p - target) < 0.05 * Math.abs(target), "best pressure " + p + " at T=" + best + ", target " + target);
        assertTrue(Math.abs(best - 1.2) < 0.1, "best T=" + best + " (pressure " + p + "), target pressure " + target + " is reached at T=1.2");
        for (EvaluationDTO e : campaigns.evaluations(end.id)) {
            String run = e.dataRefs.stream().filter(d -> d.startsWith("simulation:")).findFirst().orElseThrow().substring(11);
            RunDTO r = sims.get(run).orElseThrow();
            assertEquals(RunState.COMPLETED, r.state);
            assertEquals(e.id + "-md", r.name);
        }
    }

    @Test
    void withTaskLocalEachPointIsASchedulerTaskOfTheSimulationFunction(@InjectService CampaignService campaigns,
            @InjectService SimulationService sims, @InjectService Scheduler scheduler) throws Exception {
        Path file = dir.resolve("lj-pressure-tasks.yaml");
        Files.writeString(file, "name: lj-tasks\nseed: 3\n"
                + "parameters: [{name: T, type: continuous, min: 0.8, max: 1.6}]\n"
                + "objectives: [{name: pressure, goal: target, target: 2.5}]\n"
                + "budget: {evaluations: 4}\nbatchSize: 2\nproposer: {kind: bayesian, initialPoints: 2}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n"
                + "      spec: " + SPEC + "\n      map: {T: temperature}\n      objective: " + OBJECTIVE + "\n"
                + "      task: {backend: local, cpus: 1, walltime: 5m}\n");
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, campaigns.start(file).id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(4, end.done);
        assertEquals(0, end.failed);
        for (EvaluationDTO e : campaigns.evaluations(end.id)) {
            String task = e.dataRefs.stream().filter(d -> d.startsWith("task:")).findFirst().orElseThrow().substring(5);
            assertEquals(task, e.handle, "the handle is the task id");
            TaskRecordDTO t = scheduler.get(task).orElseThrow();
            assertEquals(TaskState.COMPLETED, t.state);
            assertEquals("kumiki.simulation.run", t.spec.function);
            assertEquals("local", t.backend);
            assertEquals(300, t.spec.resources.walltimeSeconds);
            assertEquals(e.id, t.spec.labels.get("campaign.evaluation"));
            // the function ran the point in this container's simulation service: the objective is that run's reduced thermo
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"runId\":\"([^\"]+)\"").matcher(t.result);
            assertTrue(m.find(), t.result);
            String run = m.group(1);
            List<ThermoDTO> rows = sims.results(run).thermo;
            double mean = rows.subList(rows.size() - 5, rows.size()).stream().mapToDouble(r -> r.pressure).average().getAsDouble();
            assertEquals(mean, e.objectives.get("pressure"), 1e-12);
            assertEquals(e.id + "-md", sims.get(run).orElseThrow().name);
            assertEquals(1, sims.list().stream().filter(r -> (e.id + "-md").equals(r.name)).count(), "the point ran once, in its task");
            assertTrue(t.spec.arguments.contains("\"temperature\":" + e.point.get("T")), t.spec.arguments);
        }
    }

    @Test
    void anUnknownTaskBackendIsOneLineAtStart(@InjectService CampaignService campaigns) throws Exception {
        Path file = dir.resolve("badtask.yaml");
        Files.writeString(file, "name: badtask\nparameters: [{name: T, type: continuous, min: 0.5, max: 2.0}]\n"
                + "objectives: [{name: pressure, goal: target, target: 1}]\nbudget: {evaluations: 2}\n"
                + "pipeline:\n  - evaluator: simulation\n    options:\n      map: {T: temperature}\n"
                + "      objective: " + OBJECTIVE + "\n      task: {backend: slurm}\n");
        CampaignException e = assertThrows(CampaignException.class, () -> campaigns.start(file));
        assertTrue(e.getMessage().startsWith(file + ":10:") && e.getMessage().contains("option 'task.backend': unknown scheduler backend 'slurm' (known: local"),
                e.getMessage());
    }

    @Test
    void aBadMappingIsOneLineAtStart(@InjectService CampaignService campaigns) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nparameters: [{name: T, type: continuous, min: 0.5, max: 2.0}]\n"
                + "objectives: [{name: pressure, goal: target, target: 1}]\nbudget: {evaluations: 2}\n"
                + "pipeline:\n  - evaluator: simulation\n    options:\n      map: {T: temprature}\n"
                + "      objective: " + OBJECTIVE + "\n");
        CampaignException e = assertThrows(CampaignException.class, () -> campaigns.start(file));
        assertTrue(e.getMessage().startsWith(file + ":8:") && e.getMessage().contains("option 'map': unknown spec field 'temprature' (known: cells, "),
                e.getMessage());
        Files.writeString(file, Files.readString(file).replace("temprature", "temperature").replace("column: press", "column: presure"));
        e = assertThrows(CampaignException.class, () -> campaigns.start(file));
        assertTrue(e.getMessage().startsWith(file + ":9:") && e.getMessage().contains("unknown thermo column 'presure' (known: step, temp,"),
                e.getMessage());
    }

    @Test
    void aRunThatFailsIsARecordedFailureRetriedByThePolicy(@InjectService CampaignService campaigns, @InjectService SimulationService sims)
            throws Exception {
        Path file = dir.resolve("unstable.yaml");
        // at T = 50 a timestep of 0.09 to 0.1 tau moves atoms over a sigma per step: the run fails as unstable
        Files.writeString(file, "name: unstable\nparameters: [{name: dt, type: continuous, min: 0.09, max: 0.1}]\n"
                + "objectives: [{name: pressure, goal: minimise}]\nbudget: {evaluations: 2}\nbatchSize: 2\nretry: {maxAttempts: 2}\n"
                + "proposer: {kind: random}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n      spec: " + SPEC.replace("}", ", temperature: 50}") + "\n"
                + "      map: {dt: timestep}\n      objective: " + OBJECTIVE + "\n");
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, campaigns.start(file).id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(2, end.failed);
        for (EvaluationDTO e : campaigns.evaluations(end.id)) {
            assertEquals(EvaluationState.FAILED, e.state);
            assertTrue(e.error.matches("step 'md' attempt 2/2: run run-\\S+ ended FAILED: unstable at step \\d+.*"), e.error);
            long runs = sims.list().stream().filter(r -> (e.id + "-md").equals(r.name)).count();
            assertEquals(2, runs, "one run per attempt");
        }
    }

    @Test
    void theEvaluatorBundleRestartedWithARunInFlightReattachesByRunId(@InjectService CampaignService campaigns,
            @InjectService SimulationService sims) throws Exception {
        Path file = dir.resolve("restart.yaml");
        Files.writeString(file, "name: simrestart\nparameters: [{name: temperature, type: continuous, min: 1.0, max: 1.5}]\n"
                + "objectives: [{name: pressure, goal: maximise}]\nbudget: {evaluations: 2}\nproposer: {kind: sobol}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n"
                + "      spec: {cells: 4, steps: 4000, thermoEvery: 100, ensemble: nvt, engine: md, threads: 1}\n"
                + "      objective: " + OBJECTIVE + "\n");
        String id = campaigns.start(file).id;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (campaigns.evaluations(id).stream().noneMatch(e -> e.handle != null && e.state == EvaluationState.RUNNING)) {
            assertTrue(System.nanoTime() < deadline, "an evaluation in flight");
            Thread.sleep(10);
        }
        Bundle evaluator = null;
        for (Bundle b : context.getBundles()) {
            if ("org.kumiki.campaign.simulation".equals(b.getSymbolicName())) {
                evaluator = b;
            }
        }
        evaluator.stop();
        evaluator.start();
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(2, end.done);
        for (EvaluationDTO e : campaigns.evaluations(id)) {
            assertEquals(1, e.attempt);
            assertEquals(1, sims.list().stream().filter(r -> (e.id + "-md").equals(r.name)).count(), "one run for " + e.id);
        }
    }
}
