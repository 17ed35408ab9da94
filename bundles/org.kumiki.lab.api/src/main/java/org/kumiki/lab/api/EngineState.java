package org.kumiki.lab.api;

/** States of the {@link RunEngine} (Bluesky's, plus SUSPENDED for a suspender or a lost instrument). */
public enum EngineState {
    /** No run. */
    IDLE,
    /** Executing a plan. */
    RUNNING,
    /** Paused by request; waits for resume, stop or abort. */
    PAUSED,
    /** Suspended by a suspender or a disconnected instrument; resumes by itself, rewinding to the last checkpoint. */
    SUSPENDED,
    /** Stopping or aborting: cleaning up, closing the run. */
    ABORTING
}
