package org.kumiki.simulation.api.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A simulation engine. Register as a service with the property {@link #ENGINE_NAME}; the
 * simulation service tracks engines as they come and go.
 */
@ConsumerType
public interface SimulationEngine {

    /** Service property naming the engine (e.g. {@code md}, {@code lammps}). */
    String ENGINE_NAME = "kumiki.simulation.engine";

    String name();

    /** Models this engine runs: {@link org.kumiki.simulation.api.dto.SimulationSpec#MODEL_LJ}, ... */
    Set<String> models();

    /** Human-readable version or availability ("LAMMPS (29 Sep 2021)", "missing /usr/bin/lmp"). */
    String description();

    /** Whether the engine can run now (e.g. its executable exists). */
    boolean available();

    /**
     * Checks a spec without running it.
     *
     * @throws IllegalArgumentException with a one-line reason for nonsense parameters
     */
    void validate(SimulationSpec spec);

    /**
     * Runs the spec to the end in the caller's thread, reporting thermo rows and progress to
     * the context and returning soon after the context reports cancellation.
     *
     * @throws SimulationFailedException with the reason (an unstable run, the engine's own
     *         error message)
     */
    SimulationResultDTO run(SimulationSpec spec, RunContext context) throws SimulationFailedException;

    /**
     * For engines that are external programs: writes the spec's inputs into {@code directory}
     * and returns the command line that runs it there, so it can run as a scheduler command
     * task (on Slurm too, with no Kumiki worker on the node). Null when the engine runs only
     * in-process.
     *
     * @throws SimulationFailedException when the inputs cannot be written
     */
    default List<String> prepareCommand(SimulationSpec spec, Path directory) throws SimulationFailedException {
        return null;
    }

    /**
     * Reads the results a command from {@link #prepareCommand} left in {@code directory}.
     *
     * @throws SimulationFailedException with the engine's own error message, or when there is nothing to read
     */
    default SimulationResultDTO collectCommand(SimulationSpec spec, Path directory) throws SimulationFailedException {
        throw new SimulationFailedException(name() + " runs no commands");
    }
}
