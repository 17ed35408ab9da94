package org.kumiki.quantum.api;

/** A backend refused a circuit before allocating anything: too many qubits for it. */
public class CircuitTooLargeException extends QuantumException {
    private static final long serialVersionUID = 1L;
    private final int requestedQubits;
    private final int maxQubits;

    public CircuitTooLargeException(String message, int requestedQubits, int maxQubits) {
        super(message);
        this.requestedQubits = requestedQubits;
        this.maxQubits = maxQubits;
    }

    public int requestedQubits() { return requestedQubits; }
    public int maxQubits() { return maxQubits; }
}
