package org.kumiki.simulation.api.dto;

import java.util.ArrayList;
import java.util.List;

import org.kumiki.simulation.api.RunState;
import org.osgi.dto.DTO;

/** The state of a sweep. */
public class SweepDTO extends DTO {
    /** Opaque id, {@code sweep-...}: the id of the grid campaign that runs the sweep. */
    public String id;
    public String name;
    /** RUNNING while points run; COMPLETED when all succeeded; FAILED when any failed (JSON writes the name). */
    public RunState state;
    public int points;
    public int completed;
    public int failed;
    /** Scheduler task ids, one per point, in grid order. */
    public List<String> taskIds = new ArrayList<>();
    /** The dataset file once written. */
    public String dataset;
    public String message;
    /**
     * The points that have ended so far (completed or not), in grid order; filled by
     * {@code sweepStatus} and {@code awaitSweep}, also after a restart.
     *
     * @since 1.1
     */
    public List<SweepPointDTO> results = new ArrayList<>();
}
