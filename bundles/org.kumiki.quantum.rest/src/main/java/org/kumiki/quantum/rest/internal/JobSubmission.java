package org.kumiki.quantum.rest.internal;

/**
 * The body of {@code POST /api/quantum/jobs}: an OpenQASM 2 or 3 program (the version comes from
 * its {@code OPENQASM} header) sampled {@code shots} times on a backend. Unknown properties are
 * refused.
 */
public class JobSubmission {
    /** A name for people; at most 128 characters. */
    public String name;
    /** The program, OpenQASM 2.0 (qelib1.inc) or 3.0 (stdgates.inc), with measurements. */
    public String qasm;
    /** Shots per parameter binding, 1 to the backend's maxShots (default 1024). */
    public Integer shots;
    /** The backend's name; absent = the default backend. */
    public String backend;
    /** Seed for reproducible sampling on simulators; absent = random. */
    public Long seed;
    /** One row per binding of the circuit's parameters (in their order of first use); absent for none. */
    public double[][] parameterValues;
}
