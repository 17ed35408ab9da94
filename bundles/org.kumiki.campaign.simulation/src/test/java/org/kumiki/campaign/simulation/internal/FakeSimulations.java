package org.kumiki.campaign.simulation.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;

/**
 * A SimulationService whose runs end when the test says, with the thermo rows it gives. Used
 * through {@link #service()}, a proxy, so methods the API gains later need nothing here.
 */
class FakeSimulations {
    final Map<String, SimulationSpec> specs = new LinkedHashMap<>();
    final Map<String, CompletableFuture<RunDTO>> done = new LinkedHashMap<>();
    final Map<String, List<ThermoDTO>> thermo = new LinkedHashMap<>();
    final List<String> cancelled = new ArrayList<>();
    int next = 1;

    public synchronized RunDTO submit(SimulationSpec spec) {
        if (spec.steps < 0) {
            throw new SimulationRejectedException("steps must be >= 0, got " + spec.steps);
        }
        RunDTO r = new RunDTO();
        r.id = "run-" + next++;
        r.state = RunState.QUEUED;
        specs.put(r.id, spec);
        done.put(r.id, new CompletableFuture<>());
        return r;
    }

    synchronized void end(String id, String state, String message, ThermoDTO... rows) {
        thermo.put(id, List.of(rows));
        RunDTO r = new RunDTO();
        r.id = id;
        r.state = state == null ? null : RunState.valueOf(state);
        r.message = message;
        done.get(id).complete(r);
    }

    public synchronized CompletionStage<RunDTO> await(String runId) {
        CompletableFuture<RunDTO> f = done.get(runId);
        if (f == null) {
            throw new SimulationRejectedException("no run " + runId);
        }
        return f;
    }

    public synchronized SimulationResultDTO results(String runId) {
        SimulationResultDTO r = new SimulationResultDTO();
        r.runId = runId;
        r.thermo = new ArrayList<>(thermo.getOrDefault(runId, List.of()));
        return r;
    }

    public synchronized boolean cancel(String runId) {
        cancelled.add(runId);
        return true;
    }

    SimulationService service() {
        return (SimulationService) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SimulationService.class}, (proxy, m, args) -> {
                    try {
                        return FakeSimulations.class.getMethod(m.getName(), m.getParameterTypes()).invoke(this, args);
                    } catch (NoSuchMethodException e) {
                        throw new UnsupportedOperationException(m.getName());
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    public List<EngineDTO> engines() {
        return List.of();
    }

    public Optional<RunDTO> get(String runId) {
        return Optional.empty();
    }

    public List<RunDTO> list() {
        return List.of();
    }

    public SweepDTO sweep(SweepSpec sweep) {
        throw new UnsupportedOperationException();
    }

    public Optional<SweepDTO> sweepStatus(String sweepId) {
        return Optional.empty();
    }

    public CompletionStage<SweepDTO> awaitSweep(String sweepId) {
        throw new UnsupportedOperationException();
    }
}
