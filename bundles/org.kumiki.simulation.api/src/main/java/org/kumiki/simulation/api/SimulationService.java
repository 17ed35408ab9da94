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
     * Submits one scheduler task per grid point (a function task running the spec on this
     * service's engine) and collects every point's result into one dataset when all have ended.
     *
     * @throws SimulationRejectedException for an empty grid, an unknown parameter, an invalid
     *         point, or when no scheduler is available
     */
    SweepDTO sweep(SweepSpec sweep);

    Optional<SweepDTO> sweepStatus(String sweepId);

    /** Completes when every point has ended and the dataset is written. */
    CompletionStage<SweepDTO> awaitSweep(String sweepId);
}
