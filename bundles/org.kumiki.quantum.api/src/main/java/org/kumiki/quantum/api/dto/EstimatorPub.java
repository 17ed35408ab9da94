package org.kumiki.quantum.api.dto;

import java.util.List;

import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;

/**
 * An estimator PUB: a circuit (no measurements needed), observables, rows of parameter values
 * and a target precision (standard error; 0 = exact where the backend can, else 1/sqrt(4096)).
 */
public class EstimatorPub {
    public QuantumCircuit circuit;
    public List<Observable> observables;
    public double[][] parameterValues;
    public double precision;
    public Long seed;

    public static EstimatorPub of(QuantumCircuit circuit, Observable... observables) {
        EstimatorPub p = new EstimatorPub();
        p.circuit = circuit;
        p.observables = List.of(observables);
        return p;
    }
}
