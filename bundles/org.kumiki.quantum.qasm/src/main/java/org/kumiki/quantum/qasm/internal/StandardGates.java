package org.kumiki.quantum.qasm.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;

/** The gates of qelib1.inc and stdgates.inc (plus the builtins U, CX, gphase), as model instructions. */
final class StandardGates {
    private StandardGates() {}

    interface Builder {
        void build(List<Angle> p, int[] q, List<Instruction> out);
    }

    static final class Std {
        final String name;
        final int params, qubits;
        final Builder builder;

        Std(String name, int params, int qubits, Builder builder) {
            this.name = name;
            this.params = params;
            this.qubits = qubits;
            this.builder = builder;
        }
    }

    private static final Map<String, Std> GATES = new HashMap<>();

    private static void def(String name, int params, int qubits, Builder b) {
        GATES.put(name, new Std(name, params, qubits, b));
    }

    private static void simple(String name, Gate g, int controls) {
        def(name, g.params(), g.qubits() + controls, (p, q, out) -> out.add(Instruction.gate(g, p, controls, q)));
    }

    static {
        for (Gate g : Gate.values()) {
            if (g != Gate.U) simple(g.qasmName(), g, 0);
        }
        simple("U", Gate.U, 0);
        simple("u", Gate.U, 0);
        simple("u3", Gate.U, 0);
        simple("phase", Gate.P, 0);
        simple("u1", Gate.P, 0);
        def("u2", 2, 1, (p, q, out) -> out.add(Instruction.gate(Gate.U, List.of(Angle.of(Math.PI / 2), p.get(0), p.get(1)), 0, q)));
        def("u0", 1, 1, (p, q, out) -> { });
        simple("CX", Gate.X, 1);
        simple("cx", Gate.X, 1);
        simple("cy", Gate.Y, 1);
        simple("cz", Gate.Z, 1);
        simple("ch", Gate.H, 1);
        simple("csx", Gate.SX, 1);
        simple("crx", Gate.RX, 1);
        simple("cry", Gate.RY, 1);
        simple("crz", Gate.RZ, 1);
        simple("cp", Gate.P, 1);
        simple("cphase", Gate.P, 1);
        simple("cu1", Gate.P, 1);
        simple("cu3", Gate.U, 1);
        simple("cswap", Gate.SWAP, 1);
        simple("ccx", Gate.X, 2);
        simple("ccz", Gate.Z, 2);
        simple("c3x", Gate.X, 3);
        simple("c4x", Gate.X, 4);
        // cu(θ, φ, λ, γ) = p(γ) on the control, then controlled U(θ, φ, λ) (Qiskit's CUGate)
        def("cu", 4, 2, (p, q, out) -> {
            out.add(Instruction.gate(Gate.P, List.of(p.get(3)), 0, q[0]));
            out.add(Instruction.gate(Gate.U, List.of(p.get(0), p.get(1), p.get(2)), 1, q));
        });
    }

    /** OpenQASM 2's own gates; every other gate comes from qelib1.inc or a definition. */
    private static final Set<String> BUILTIN_2 = Set.of("U", "CX");
    /** OpenQASM 3's own gates. */
    private static final Set<String> BUILTIN_3 = Set.of("U", "gphase");
    /** The gates of qelib1.inc (as Qiskit ships it) that the circuit model has. */
    private static final Set<String> QELIB1 = Set.of("u3", "u2", "u1", "cx", "id", "u0", "u", "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg",
            "rx", "ry", "rz", "sx", "sxdg", "cz", "cy", "swap", "ch", "ccx", "cswap", "crx", "cry", "crz", "cu1", "cp", "cu3", "csx", "cu", "rxx",
            "rzz", "c3x", "c4x");
    /** What stdgates.inc declares (OpenQASM 3.0 specification, "standard library"). */
    static final Set<String> STDGATES = Set.of("p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp",
            "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "CX", "phase", "cphase", "id", "u1", "u2", "u3");

    /**
     * The built-in or library gate of this name, or null. OpenQASM 2: U, CX and qelib1.inc's
     * gates only. OpenQASM 3: U, gphase, stdgates.inc's gates and the other gates of the model
     * (rxx, ryy, rzz, sxdg, ccz, ...).
     */
    static Std get(String name, int version) {
        if (version == 2 && !BUILTIN_2.contains(name) && !QELIB1.contains(name)) return null;
        return GATES.get(name);
    }

    /** A gate of the language itself, which no program may define. */
    static boolean isBuiltin(String name, int version) {
        return (version == 2 ? BUILTIN_2 : BUILTIN_3).contains(name);
    }

    static List<Instruction> instructions(Std s, List<Angle> params, int[] qs) {
        List<Instruction> out = new ArrayList<>(2);
        s.builder.build(params, qs, out);
        return out;
    }
}
