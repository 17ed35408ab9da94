package org.kumiki.quantum.api;

/** A quantum operation failed; the message is one line meant for users. */
public class QuantumException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuantumException(String message) { super(message); }

    public QuantumException(String message, Throwable cause) { super(message, cause); }
}
