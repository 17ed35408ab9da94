package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulation: runs by state and engine, atom-steps done, the current throughput of running runs
 * (from their progress) and the throughput of each engine's latest completed run (from its results).
 */
@Component(service = DomainCollector.class)
public class SimulationCollector implements DomainCollector {

    private static final Logger LOG = LoggerFactory.getLogger(SimulationCollector.class);

    private final SimulationService simulation;
    /** Atom-steps/s of completed runs by run id: results do not change once a run has ended. */
    private final Map<String, Double> completedRate = new ConcurrentHashMap<>();

    @Activate
    public SimulationCollector(@Reference SimulationService simulation) {
        this.simulation = simulation;
    }

    @Override
    public String domain() {
        return "simulation";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        long now = System.currentTimeMillis();
        Map<String, long[]> byEngine = new TreeMap<>();
        Map<String, Double> atomSteps = new TreeMap<>();
        Map<String, Double> runningRate = new TreeMap<>();
        Map<String, RunDTO> latestCompleted = new TreeMap<>();
        for (RunDTO r : simulation.list()) {
            String engine = Families.label(r.engine);
            RunState s = r.state;
            long[] counts = byEngine.computeIfAbsent(engine, k -> new long[RunState.values().length + 1]);
            counts[s == null ? RunState.values().length : s.ordinal()]++;
            double done = (double) Math.max(0, r.atoms) * Math.max(0, r.step);
            atomSteps.merge(engine, done, Double::sum);
            runningRate.putIfAbsent(engine, 0.0);
            if (s == RunState.RUNNING && r.started > 0 && now > r.started) {
                runningRate.merge(engine, done / ((now - r.started) / 1000.0), Double::sum);
            }
            if (s == RunState.COMPLETED) {
                RunDTO prev = latestCompleted.get(engine);
                if (prev == null || r.ended > prev.ended) {
                    latestCompleted.put(engine, r);
                }
            }
        }
        Families.Gauge runs = new Families.Gauge("kumiki_simulation_runs", "Simulation runs by state and engine");
        byEngine.forEach((engine, counts) -> {
            for (RunState s : RunState.values()) {
                runs.add(counts[s.ordinal()], "engine", engine, "state", s.name().toLowerCase(Locale.ROOT));
            }
            if (counts[RunState.values().length] > 0) {
                runs.add(counts[RunState.values().length], "engine", engine, "state", "unknown");
            }
        });
        out.add(runs.build());
        Families.Counter steps = new Families.Counter("kumiki_simulation_atom_steps", "Atom-steps done by the recorded runs (atoms times steps)");
        atomSteps.forEach((engine, v) -> steps.add(v, "engine", engine));
        out.add(steps.build());
        Families.Gauge rate = new Families.Gauge("kumiki_simulation_running_atom_steps_per_second", "Atom-steps per second of the running runs together, from their progress");
        runningRate.forEach((engine, v) -> rate.add(v, "engine", engine));
        out.add(rate.build());
        Families.Gauge last = new Families.Gauge("kumiki_simulation_last_run_atom_steps_per_second", "Atom-steps per second of the engine's latest completed run, from its results");
        latestCompleted.forEach((engine, r) -> {
            Double v = completedRate.computeIfAbsent(r.id, this::resultRate);
            if (v != null && Double.isFinite(v)) {
                last.add(v, "engine", engine);
            }
        });
        out.add(last.build());
    }

    /** A completed run's atom-steps/s from its results; NaN (cached, not retried) when they cannot be read. */
    private Double resultRate(String runId) {
        try {
            SimulationResultDTO res = simulation.results(runId);
            return res == null ? Double.NaN : res.atomStepsPerSecond;
        } catch (RuntimeException e) {
            LOG.debug("results of simulation run {} not readable: {}", runId, e.toString());
            return Double.NaN;
        }
    }
}
