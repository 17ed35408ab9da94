package org.kumiki.quantum.api;

/** Lifecycle of a {@link QuantumJob}. */
public enum JobStatus {
    QUEUED, RUNNING, DONE, ERROR, CANCELLED;

    public boolean isFinal() { return this == DONE || this == ERROR || this == CANCELLED; }
}
