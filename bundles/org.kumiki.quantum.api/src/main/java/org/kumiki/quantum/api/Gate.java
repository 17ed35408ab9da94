package org.kumiki.quantum.api;

import java.util.Locale;

/**
 * The standard gates (OpenQASM 3 stdgates names). Controlled variants ({@code cx}, {@code ccx},
 * {@code crz}, ...) are a base gate with controls on an {@link Instruction}. {@link #GPHASE}
 * acts on no target qubit: a global phase, or a phase on its controls.
 */
public enum Gate {
    ID(1, 0), X(1, 0), Y(1, 0), Z(1, 0), H(1, 0), S(1, 0), SDG(1, 0), T(1, 0), TDG(1, 0),
    SX(1, 0), SXDG(1, 0), RX(1, 1), RY(1, 1), RZ(1, 1), P(1, 1), U(1, 3),
    SWAP(2, 0), RXX(2, 1), RYY(2, 1), RZZ(2, 1), GPHASE(0, 1);

    private final int qubits;
    private final int params;

    Gate(int qubits, int params) {
        this.qubits = qubits;
        this.params = params;
    }

    /** Number of target qubits. */
    public int qubits() { return qubits; }

    /** Number of angle parameters. */
    public int params() { return params; }

    /** The OpenQASM 3 name. */
    public String qasmName() { return name().toLowerCase(Locale.ROOT); }

    /** Gates whose matrix is diagonal in the computational basis. */
    public boolean isDiagonal() {
        return switch (this) {
            case ID, Z, S, SDG, T, TDG, RZ, P, RZZ, GPHASE -> true;
            default -> false;
        };
    }
}
