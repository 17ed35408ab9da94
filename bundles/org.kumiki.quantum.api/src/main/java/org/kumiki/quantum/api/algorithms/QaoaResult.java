package org.kumiki.quantum.api.algorithms;

import org.osgi.dto.DTO;

/**
 * The outcome of QAOA for MaxCut. {@code bestCut} has one character per node, node 0 last
 * (Qiskit's order): the best cut seen among the final samples.
 */
public class QaoaResult extends DTO {
    public String bestCut;
    public double bestCutValue;
    /** Expected cut value of the optimised state. */
    public double expectedCutValue;
    /** Optimum found by brute force when the graph has at most 20 nodes, else NaN. */
    public double optimumCutValue;
    public double[] gammas;
    public double[] betas;
    public int evaluations;
    public String backend;
}
