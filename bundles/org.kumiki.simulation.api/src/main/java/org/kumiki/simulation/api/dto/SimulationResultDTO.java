package org.kumiki.simulation.api.dto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.simulation.api.RunState;
import org.osgi.dto.DTO;

/** A run's results: its thermo series, final state files and performance. */
public class SimulationResultDTO extends DTO {
    public String runId;
    public String engine;
    /** Its state; JSON writes the name. */
    public RunState state;
    public String message;
    public long atoms;
    /** Steps actually run. */
    public long steps;
    public List<ThermoDTO> thermo = new ArrayList<>();
    /** File role ({@code final.data}, {@code log}, {@code input}) to absolute path. */
    public Map<String, String> files = new LinkedHashMap<>();
    public List<String> warnings = new ArrayList<>();
    /** Wall time of the step loop in seconds (LAMMPS's "Loop time"). */
    public double loopSeconds;
    /** atoms x steps / loopSeconds. */
    public double atomStepsPerSecond;
    public long neighborBuilds;
    public long dangerousBuilds;
    /** LAMMPS's "Performance:" line, when the engine is LAMMPS. */
    public String performance;
}
