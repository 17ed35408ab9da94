package org.kumiki.simulation.md.internal;

/** Receives thermo rows and is asked whether to stop. */
interface Listener {
    /** Called with step, temperature, per-atom pair energy, per-atom total energy, pressure. */
    void thermo(long step, double temp, double epair, double etotal, double press);

    default void progress(long step) {
    }

    default boolean cancelled() {
        return false;
    }
}
