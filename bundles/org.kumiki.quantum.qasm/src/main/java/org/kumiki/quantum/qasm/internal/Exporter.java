package org.kumiki.quantum.qasm.internal;

import java.util.List;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Condition;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.QasmVersion;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.Register;

/** Writes a circuit as OpenQASM 2.0 or 3.0 using only standard gates. */
final class Exporter {
    private final QuantumCircuit c;
    private final boolean v3;
    private final StringBuilder sb = new StringBuilder();

    Exporter(QuantumCircuit c, QasmVersion v) {
        this.c = c;
        this.v3 = v == QasmVersion.V3;
    }

    String export() {
        if (v3) {
            sb.append("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n");
            for (String p : c.parameters()) sb.append("input float[64] ").append(p).append(";\n");
            for (Register r : c.qregs()) sb.append("qubit[").append(r.size()).append("] ").append(r.name()).append(";\n");
            for (Register r : c.cregs()) sb.append("bit[").append(r.size()).append("] ").append(r.name()).append(";\n");
        } else {
            if (!c.parameters().isEmpty()) throw new QuantumException("OpenQASM 2 has no symbolic parameters " + c.parameters() + ": bind them or export OpenQASM 3");
            sb.append("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
            for (Register r : c.qregs()) sb.append("qreg ").append(r.name()).append('[').append(r.size()).append("];\n");
            for (Register r : c.cregs()) sb.append("creg ").append(r.name()).append('[').append(r.size()).append("];\n");
        }
        for (Instruction in : c.instructions()) {
            String stmt = statement(in);
            Condition cond = in.condition();
            if (cond != null) {
                sb.append(condition(cond)).append(v3 ? " { " + stmt + " }" : " " + stmt).append('\n');
            } else {
                sb.append(stmt).append('\n');
            }
        }
        return sb.toString();
    }

    private String condition(Condition cond) {
        int[] bits = cond.clbits();
        if (cond.register() != null) return (v3 ? "if (" : "if(") + cond.register() + "==" + cond.value() + ")";
        Register r = regOf(c.cregs(), bits[0]);
        if (!v3) {
            if (r.size() == 1) return "if(" + r.name() + "==" + cond.value() + ")";
            throw new QuantumException("OpenQASM 2 can only condition on a whole register, not on bit " + r.name() + "[" + (bits[0] - r.offset()) + "]");
        }
        return "if (" + r.name() + "[" + (bits[0] - r.offset()) + "] == " + cond.value() + ")";
    }

    private static Register regOf(List<Register> regs, int index) {
        for (Register r : regs) if (index >= r.offset() && index < r.offset() + r.size()) return r;
        throw new QuantumException("index " + index + " belongs to no register");
    }

    private String q(int index) {
        Register r = regOf(c.qregs(), index);
        return r.name() + "[" + (index - r.offset()) + "]";
    }

    private String b(int index) {
        Register r = regOf(c.cregs(), index);
        return r.name() + "[" + (index - r.offset()) + "]";
    }

    private String statement(Instruction in) {
        switch (in.kind()) {
            case MEASURE:
                return v3 ? b(in.clbits()[0]) + " = measure " + q(in.qubit(0)) + ";" : "measure " + q(in.qubit(0)) + " -> " + b(in.clbits()[0]) + ";";
            case RESET:
                return "reset " + q(in.qubit(0)) + ";";
            case BARRIER: {
                StringBuilder s = new StringBuilder("barrier");
                int[] qs = in.qubits();
                for (int i = 0; i < qs.length; i++) s.append(i == 0 ? " " : ", ").append(q(qs[i]));
                return s.append(';').toString();
            }
            default:
                return gate(in);
        }
    }

    private String gate(Instruction in) {
        Gate g = in.gate();
        int nc = in.numControls();
        long full = nc == 0 ? 0 : (1L << nc) - 1;
        boolean allPositive = in.ctrlState() == full;
        String name = null;
        String prefix = "";
        if (nc == 0) {
            name = baseName(g);
        } else if (allPositive && nc == 1) {
            name = switch (g) {
                case X -> "cx";
                case Y -> "cy";
                case Z -> "cz";
                case H -> "ch";
                case RX -> "crx";
                case RY -> "cry";
                case RZ -> "crz";
                case P -> v3 ? "cp" : "cu1";
                case SWAP -> "cswap";
                case SX -> v3 ? null : "csx";
                case U -> v3 ? null : "cu3";
                default -> null;
            };
        } else if (allPositive && nc == 2 && g == Gate.X) {
            name = "ccx";
        }
        if (name == null) {
            if (!v3) throw new QuantumException("OpenQASM 2 cannot express " + describe(in) + ": export OpenQASM 3");
            StringBuilder p = new StringBuilder();
            int i = 0;
            while (i < nc) {
                boolean on = (in.ctrlState() >>> i & 1) != 0;
                int j = i;
                while (j < nc && ((in.ctrlState() >>> j & 1) != 0) == on) j++;
                p.append(on ? "ctrl" : "negctrl");
                if (j - i > 1) p.append('(').append(j - i).append(')');
                p.append(" @ ");
                i = j;
            }
            prefix = p.toString();
            name = g == Gate.U ? "U" : g.qasmName();
        }
        StringBuilder s = new StringBuilder(prefix).append(name);
        List<Angle> ps = in.params();
        if (!ps.isEmpty()) {
            s.append('(');
            for (int i = 0; i < ps.size(); i++) s.append(i == 0 ? "" : ", ").append(ps.get(i));
            s.append(')');
        }
        int[] qs = in.qubits();
        for (int i = 0; i < qs.length; i++) s.append(i == 0 ? " " : ", ").append(q(qs[i]));
        return s.append(';').toString();
    }

    private String baseName(Gate g) {
        if (v3) return g == Gate.U ? "U" : g.qasmName();
        switch (g) {
            case P: return "u1";
            case U: return "u3";
            case GPHASE: throw new QuantumException("OpenQASM 2 has no gphase: export OpenQASM 3");
            case RYY: throw new QuantumException("qelib1.inc has no ryy: export OpenQASM 3");
            default: return g.qasmName();
        }
    }

    private static String describe(Instruction in) {
        return in.numControls() + "-controlled " + in.gate().qasmName() + (in.ctrlState() != (1L << in.numControls()) - 1 ? " with negative controls" : "");
    }
}
