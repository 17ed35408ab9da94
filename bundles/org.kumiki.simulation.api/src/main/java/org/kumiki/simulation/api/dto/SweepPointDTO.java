package org.kumiki.simulation.api.dto;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.dto.DTO;

/**
 * One point of a sweep and what became of it: the typed row of the sweep's dataset.
 *
 * @since 1.1
 */
public class SweepPointDTO extends DTO {
    /** 0-based index in grid order (the last grid parameter varies fastest). */
    public int point;
    /** Grid parameter name to its value at this point, in the grid's order. */
    public Map<String, Double> parameters = new LinkedHashMap<>();
    /**
     * {@code COMPLETED}; a scheduler task state name ({@code FAILED}, {@code CANCELLED}, ...)
     * when the point did not complete; {@code RUNNING} or {@code QUEUED} while it has not ended.
     */
    public String state;
    /** The last thermo row. NaN when the point did not complete. */
    public double finalTemperature = Double.NaN;
    public double finalPairEnergy = Double.NaN;
    public double finalTotalEnergy = Double.NaN;
    public double finalPressure = Double.NaN;
    /** Means over the thermo rows of the second half of the run. NaN when the point did not complete. */
    public double meanTemperature = Double.NaN;
    public double meanPairEnergy = Double.NaN;
    public double meanTotalEnergy = Double.NaN;
    public double meanPressure = Double.NaN;
    public long atoms;
    public long steps;
    public double atomStepsPerSecond;
    /** The simulation run that computed the point (function tasks); empty otherwise. */
    public String runId = "";
    /** The scheduler task of the point; empty when it never got one. */
    public String taskId = "";
    /** Why the point did not complete; empty when it did. */
    public String message = "";
}
