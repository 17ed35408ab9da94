package org.kumiki.simulation.api;

/**
 * Event Admin topics and property names posted by the simulation service: each change of a
 * run's state on {@code org/kumiki/simulation/<STATE>}, e.g. {@code org/kumiki/simulation/COMPLETED}.
 *
 * @since 1.3
 */
public final class SimulationTopics {
    private SimulationTopics() {
    }

    /** Prefix of every simulation topic. */
    public static final String PREFIX = "org/kumiki/simulation/";
    /** Every simulation topic. */
    public static final String ALL = PREFIX + "*";

    /** The run id (String). */
    public static final String RUN_ID = "run.id";
    /** The run name (String, absent when the spec has none). */
    public static final String RUN_NAME = "run.name";
    /** The engine name (String). */
    public static final String RUN_ENGINE = "run.engine";
    /** The {@link RunState} name (String). */
    public static final String RUN_STATE = "run.state";

    /** The topic of a state. */
    public static String topic(RunState state) {
        return PREFIX + state.name();
    }
}
