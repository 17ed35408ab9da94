package org.kumiki.simulation.api.dto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.dto.DTO;

/**
 * A parameter sweep: the cartesian product of {@link #grid} applied to {@link #base}, one
 * scheduler task per point.
 */
public class SweepSpec extends DTO {
    /** Parameters a grid may vary. */
    public static final List<String> PARAMETERS = List.of("temperature", "density", "timestep", "targetTemperature",
        "cutoff", "steps", "seed");

    public String name;
    public SimulationSpec base = new SimulationSpec();
    /** Parameter name (one of {@link #PARAMETERS}) to its values. */
    public Map<String, List<Double>> grid = new LinkedHashMap<>();
    /** Scheduler backend ({@code local}, {@code slurm}); null means the scheduler's default. */
    public String backend;
    /** Dataset format: {@code csv} or {@code json} (columnar: column name to array of values). */
    public String format = "csv";
    /**
     * Run each point as a scheduler command task of the engine's own program (engines with
     * {@code prepareCommand}, e.g. {@code lammps}) instead of a function task: nothing of
     * Kumiki needs to run on the node. The sweep folder must be visible to the node.
     */
    public boolean commandTasks;
    /** CPUs each point's task declares to the scheduler. */
    public int cpusPerPoint = 1;
    /** Dataset column order beyond the grid parameters. */
    public List<String> columns = new ArrayList<>();
}
