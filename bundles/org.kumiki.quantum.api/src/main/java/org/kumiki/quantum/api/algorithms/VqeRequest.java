package org.kumiki.quantum.api.algorithms;

import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;

/**
 * A VQE problem. Either {@code molecule} names a built-in qubit Hamiltonian ("h2": H2 at
 * 0.735 Angstrom, STO-3G, parity mapping with two-qubit reduction) or {@code hamiltonian} is
 * given (then {@code energyOffset} is added, e.g. the nuclear repulsion).
 */
public class VqeRequest {
    public String molecule;
    public Observable hamiltonian;
    public double energyOffset;
    /** Parametrised ansatz; null = a hardware-efficient RY/CX ansatz with {@code reps} layers. */
    public QuantumCircuit ansatz;
    public int reps = 2;
    /** "nelder-mead" (default), "bobyqa" or "spsa". */
    public String optimizer;
    public int maxEvaluations = 2000;
    /** Backend for the Estimator; null = default. */
    public String backend;
    public long seed = 7;
}
