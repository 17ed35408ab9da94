package org.kumiki.quantum.api.dto;

import java.util.List;

import org.osgi.dto.DTO;

/** What a backend can run. */
public class TargetDTO extends DTO {
    /** Qubits available (for a simulator: the most the memory allows). */
    public int numQubits;
    /** Native gate names (OpenQASM 3 names, e.g. "rz", "sx", "cx"); empty means any standard gate. */
    public List<String> basisGates;
    /** Directed qubit pairs [control, target] a two-qubit gate may act on; null means all-to-all. */
    public List<int[]> couplingMap;
    public int maxShots;
    /** Most circuits (PUB parameter sets) in one job. */
    public int maxExperiments;
    public boolean simulator;
    /** Mid-circuit measurement, reset and classically conditioned operations. */
    public boolean dynamicCircuits;
    public String description;
}
