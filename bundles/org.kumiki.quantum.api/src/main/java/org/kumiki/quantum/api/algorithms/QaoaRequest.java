package org.kumiki.quantum.api.algorithms;

/** A weighted MaxCut instance for QAOA. Edges are {i, j, weight} with 0 &lt;= i, j &lt; nodes. */
public class QaoaRequest {
    public int nodes;
    public double[][] edges;
    /** QAOA depth p. */
    public int layers = 2;
    public int shots = 2048;
    public String optimizer;
    public int maxEvaluations = 600;
    /** Random restarts of the classical optimiser. */
    public int restarts = 4;
    public String backend;
    public long seed = 11;
}
