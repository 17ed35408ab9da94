package org.kumiki.quantum.api.dto;

import org.kumiki.quantum.api.QuantumCircuit;

/**
 * A sampler PUB (primitive unified bloc): a circuit with measurements, zero or more rows of
 * parameter values (columns in the order of {@link QuantumCircuit#parameters()}), and shots.
 */
public class SamplerPub {
    public QuantumCircuit circuit;
    /** One row per binding; null or empty for a circuit without parameters. */
    public double[][] parameterValues;
    /** Shots per binding; 0 = the backend's default (1024). */
    public int shots;
    /** Seed for reproducible sampling on simulators; null = random. */
    public Long seed;

    public static SamplerPub of(QuantumCircuit circuit, int shots) {
        SamplerPub p = new SamplerPub();
        p.circuit = circuit;
        p.shots = shots;
        return p;
    }
}
