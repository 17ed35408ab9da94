package org.kumiki.simulation.api.dto;

import org.kumiki.simulation.api.RunState;
import org.osgi.dto.DTO;

/** The state of one run. */
public class RunDTO extends DTO {
    /** Opaque id, {@code run-...}. */
    public String id;
    public String name;
    public String engine;
    public String model;
    /** Its state; JSON writes the name. */
    public RunState state;
    /** Why a run failed or was cancelled. */
    public String message;
    public long step;
    public long steps;
    public long atoms;
    public long submitted;
    public long started;
    public long ended;
    /**
     * The scheduler task of a parallel run ({@code ranks} &gt; 1 through the scheduler); null otherwise.
     *
     * @since 1.3
     */
    public String taskId;
}
