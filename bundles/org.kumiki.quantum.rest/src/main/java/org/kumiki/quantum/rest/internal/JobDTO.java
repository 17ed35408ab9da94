package org.kumiki.quantum.rest.internal;

import org.kumiki.quantum.api.JobStatus;

/** A sampler job submitted over REST. */
public class JobDTO {
    /** Opaque, {@code qjob-...}. */
    public String id;
    public String name;
    public String backend;
    public JobStatus status;
    /** One line, when {@code ERROR}. */
    public String error;
    /** Who submitted it (the token's name). */
    public String owner;
    public int shots;
    /** Parameter bindings sampled (1 for a circuit without parameters). */
    public int bindings;
    public int numQubits;
    public int numClbits;
    /** OPENQASM 2 or 3, as the program said. */
    public String qasmVersion;
    /** Epoch milliseconds. */
    public long createdAt;
    /** Epoch milliseconds; 0 while it runs. */
    public long endedAt;
}
