package org.kumiki.quantum.api.algorithms;

import org.osgi.dto.DTO;

/** The outcome of a VQE run; energies include the request's offset. */
public class VqeResult extends DTO {
    public double energy;
    /** Exact ground energy from diagonalising the Hamiltonian when it has at most 12 qubits, else NaN. */
    public double exactEnergy;
    public double[] parameters;
    public int evaluations;
    public String optimizer;
    public String backend;
}
