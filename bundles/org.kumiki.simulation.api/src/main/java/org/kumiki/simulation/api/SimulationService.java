package org.kumiki.simulation.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.osgi.annotation.versioning.ProviderType;

/** Runs simulations on the registered engines. Thread-safe. */
@ProviderType
public interface SimulationService {

    /** The engines registered now. */
    List<EngineDTO> engines();

    /**
     * Validates the spec against its engine and starts the run in the background.
     *
     * @throws SimulationRejectedException with a one-line reason: no engine for the model, an
     *         unknown engine, nonsense parameters (negative steps, non-positive timestep or
     *         density, a box smaller than the cutoff, a missing data file, ...)
     */
    RunDTO submit(SimulationSpec spec);

    Optional<RunDTO> get(String runId);

    /** All runs known, newest first. */
    List<RunDTO> list();

    /** @return false when the run had already ended; throws for an unknown id */
    boolean cancel(String runId);

    /** Completes when the run has ended; throws for an unknown id. */
    CompletionStage<RunDTO> await(String runId);

    /** The run's thermo series (so far) and files; throws for an unknown id. */
    SimulationResultDTO results(String runId);

    /**
     * Starts a grid campaign (through the campaign service) whose points run as scheduler tasks
     * (a function task running the spec on this service's engine, or the engine's own program),
     * and writes every point's result into one dataset when all have ended. The sweep is durable:
     * after a restart its finished points are kept and its tasks in flight re-attached.
     *
     * @throws SimulationRejectedException for an empty grid, an unknown parameter, an invalid
     *         point, or when no scheduler or no campaign service is available
     */
    SweepDTO sweep(SweepSpec sweep);

    /** The sweep with the points that have ended so far ({@link SweepDTO#results}). */
    Optional<SweepDTO> sweepStatus(String sweepId);

    /**
     * Every sweep known (also those of an earlier life of the framework), newest first, without
     * their point results.
     *
     * @since 1.2
     */
    List<SweepDTO> sweeps();

    /** Completes when every point has ended and the dataset is written. */
    CompletionStage<SweepDTO> awaitSweep(String sweepId);
}
