package org.kumiki.simulation.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;

/** One run's live state; guarded by its own monitor. */
final class Run {
    final String id;
    final SimulationSpec spec;
    final String engine;
    final Path dir;
    final long submitted;
    final CompletableFuture<RunDTO> done = new CompletableFuture<>();
    volatile boolean cancelRequested;

    RunState state = RunState.QUEUED;
    String message;
    long step;
    long started;
    long ended;
    long atoms;
    final List<ThermoDTO> thermo = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    SimulationResultDTO result;
    /** The scheduler task of a parallel run; null for a run in this process. */
    String taskId;
    /** Journal records of thermo rows written so far (chunks of THERMO_CHUNK rows). */
    int journaledChunks;

    Run(String id, SimulationSpec spec, String engine, Path dir, long submitted) {
        this.id = id;
        this.spec = spec;
        this.engine = engine;
        this.dir = dir;
        this.submitted = submitted;
    }

    synchronized RunDTO dto() {
        RunDTO d = new RunDTO();
        d.id = id;
        d.name = spec.name;
        d.engine = engine;
        d.model = spec.model;
        d.state = state;
        d.message = message;
        d.step = step;
        d.steps = spec.steps;
        d.atoms = atoms;
        d.submitted = submitted;
        d.started = started;
        d.ended = ended;
        d.taskId = taskId;
        return d;
    }

    synchronized SimulationResultDTO resultDto() {
        SimulationResultDTO r = new SimulationResultDTO();
        if (result != null) {
            r.engine = result.engine;
            r.atoms = result.atoms;
            r.steps = result.steps;
            r.files.putAll(result.files);
            r.loopSeconds = result.loopSeconds;
            r.atomStepsPerSecond = result.atomStepsPerSecond;
            r.neighborBuilds = result.neighborBuilds;
            r.dangerousBuilds = result.dangerousBuilds;
            r.performance = result.performance;
        } else {
            r.engine = engine;
            r.atoms = atoms;
            r.steps = step;
        }
        r.runId = id;
        r.state = state;
        r.message = message;
        r.thermo.addAll(thermo);
        r.warnings.addAll(warnings);
        return r;
    }
}
