package org.kumiki.lab.rest.internal;

import java.util.List;
import java.util.Map;

import org.kumiki.lab.api.dto.AxisDTO;

/**
 * {@code POST /api/lab/runs}: one ready-made plan and its parameters. Which fields a plan takes is
 * listed by {@code GET /api/lab/plans}; a field the plan does not take is refused.
 */
public class RunRequest {
    /** count, scan, grid_scan or list_scan. */
    public String plan;
    /** Detectors triggered and read at every point. */
    public List<String> detectors;
    /** scan: the movable. */
    public String motor;
    /** scan: first position. */
    public Double start;
    /** scan: last position. */
    public Double stop;
    /** count: readings (default 1); scan: points. */
    public Integer num;
    /** count: seconds between readings (default 0). */
    public Double delay;
    /** grid_scan: the axes, first slowest. */
    public List<AxisDTO> axes;
    /** grid_scan: reverse faster axes on alternate rows (default false). */
    public Boolean snake;
    /** list_scan: movable to its positions, every list of the same length. */
    public Map<String, List<Double>> points;
    /** Merged into the run's start document (event-model's metadata). */
    public Map<String, Object> metadata;
}
