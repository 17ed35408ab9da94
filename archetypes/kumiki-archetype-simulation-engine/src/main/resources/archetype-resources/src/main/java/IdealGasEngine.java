package ${package};

import java.util.Set;

import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.kumiki.simulation.api.spi.SimulationFailedException;
import org.osgi.service.component.annotations.Component;

/**
 * A simulation engine: an ideal gas on the spec's fcc lattice (no interactions, so the
 * temperature stays where it starts, the pressure is {@code density * T} and the total energy
 * {@code 3/2 T} per atom). Replace {@link #run} with your code or a call to your program; keep
 * the reporting through {@link RunContext} (thermo rows, progress, cancellation). Registered
 * under {@code kumiki.simulation.engine} ({@link SimulationEngine#ENGINE_NAME}): {@code sim:engines}
 * lists it and {@code sim:run -w engine=idealgas model=ideal-gas} runs it.
 */
@Component(property = SimulationEngine.ENGINE_NAME + "=" + IdealGasEngine.NAME)
public class IdealGasEngine implements SimulationEngine {
    static final String NAME = "idealgas";
    static final String MODEL = "ideal-gas";

    @Override public String name() { return NAME; }
    @Override public Set<String> models() { return Set.of(MODEL); }
    @Override public String description() { return "ideal gas (archetype example, no interactions)"; }
    @Override public boolean available() { return true; }

    @Override
    public void validate(SimulationSpec spec) {
        if (!MODEL.equals(spec.model)) throw new IllegalArgumentException(NAME + " runs model " + MODEL + ", not " + spec.model);
        if (!(spec.density > 0) || Double.isInfinite(spec.density)) throw new IllegalArgumentException("density = " + spec.density + " must be positive");
        if (!(spec.temperature >= 0) || Double.isInfinite(spec.temperature)) throw new IllegalArgumentException("temperature = " + spec.temperature + " must be 0 or more");
        if (spec.cellsX < 1 || spec.cellsY < 1 || spec.cellsZ < 1) throw new IllegalArgumentException("cells " + spec.cellsX + "x" + spec.cellsY + "x" + spec.cellsZ + " must be at least 1 each");
        if (spec.steps < 0) throw new IllegalArgumentException("steps = " + spec.steps + " must be 0 or more");
        if (spec.thermoEvery < 0) throw new IllegalArgumentException("thermoEvery = " + spec.thermoEvery + " must be 0 or more");
    }

    @Override
    public SimulationResultDTO run(SimulationSpec spec, RunContext context) throws SimulationFailedException {
        validate(spec);
        long atoms = 4L * spec.cellsX * spec.cellsY * spec.cellsZ;
        double t = spec.temperature;
        long every = spec.thermoEvery > 0 ? spec.thermoEvery : Math.max(1, spec.steps);
        SimulationResultDTO result = new SimulationResultDTO();
        result.runId = context.runId();
        result.engine = NAME;
        result.atoms = atoms;
        long start = System.nanoTime();
        for (long step = 0; step <= spec.steps; step++) {
            if (context.isCancelled()) {
                result.state = RunState.CANCELLED;
                result.steps = step;
                return result;
            }
            if (step % every == 0 || step == spec.steps) {
                ThermoDTO row = ThermoDTO.of(step, t, 0, 1.5 * t, spec.density * t);
                context.thermo(row);
                result.thermo.add(row);
                context.progress(step);
            }
        }
        result.steps = spec.steps;
        result.state = RunState.COMPLETED;
        result.loopSeconds = (System.nanoTime() - start) / 1e9;
        result.atomStepsPerSecond = result.loopSeconds > 0 ? atoms * spec.steps / result.loopSeconds : 0;
        return result;
    }
}
