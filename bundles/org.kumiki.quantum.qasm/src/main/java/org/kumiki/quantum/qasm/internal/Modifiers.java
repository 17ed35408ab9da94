package org.kumiki.quantum.qasm.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;

/** The OpenQASM 3 gate modifiers on model instructions. */
final class Modifiers {
    private Modifiers() {}

    static final int MAX_POWER_REPEAT = 1024;

    /** Adds controls in front (outermost first); {@code on}: active on |1&gt;. */
    static Instruction control(Instruction in, int[] ctrl, boolean on) {
        int n = in.numControls() + ctrl.length;
        int[] old = in.qubits();
        int[] qs = new int[ctrl.length + old.length];
        System.arraycopy(ctrl, 0, qs, 0, ctrl.length);
        System.arraycopy(old, 0, qs, ctrl.length, old.length);
        long newBits = on ? (1L << ctrl.length) - 1 : 0L;
        long state = (in.ctrlState() << ctrl.length) | newBits;
        return Instruction.gate(in.gate(), in.params(), n, state, qs);
    }

    static Instruction inverse(Instruction in) {
        Gate g = in.gate();
        List<Angle> p = in.params();
        Gate ng = g;
        List<Angle> np = p;
        switch (g) {
            case S: ng = Gate.SDG; break;
            case SDG: ng = Gate.S; break;
            case T: ng = Gate.TDG; break;
            case TDG: ng = Gate.T; break;
            case SX: ng = Gate.SXDG; break;
            case SXDG: ng = Gate.SX; break;
            case RX: case RY: case RZ: case P: case RXX: case RYY: case RZZ: case GPHASE:
                np = List.of(p.get(0).negate());
                break;
            case U:
                np = List.of(p.get(0).negate(), p.get(2).negate(), p.get(1).negate());
                break;
            default: break; // self-inverse: id, x, y, z, h, swap
        }
        return Instruction.gate(ng, np, in.numControls(), in.ctrlState(), in.qubits());
    }

    /** pow(k): rotations scale their angle; other gates need an integer k (or known roots). */
    static List<Instruction> power(List<Instruction> body, double k) {
        if (body.size() == 1) {
            Instruction in = body.get(0);
            Instruction r = rootOrScale(in, k);
            if (r != null) return List.of(r);
        }
        if (k != Math.rint(k)) throw new IllegalArgumentException("pow(" + k + ") needs an integer exponent for this gate");
        if (Math.abs(k) > MAX_POWER_REPEAT) throw new IllegalArgumentException("pow(" + (long) k + ") exponent too large (at most " + MAX_POWER_REPEAT + ")");
        List<Instruction> unit = body;
        if (k < 0) {
            unit = new ArrayList<>();
            for (int i = body.size() - 1; i >= 0; i--) unit.add(inverse(body.get(i)));
        }
        List<Instruction> out = new ArrayList<>();
        for (int i = 0; i < Math.abs((long) k); i++) out.addAll(unit);
        return Collections.unmodifiableList(out);
    }

    private static Instruction rootOrScale(Instruction in, double k) {
        Gate g = in.gate();
        switch (g) {
            case RX: case RY: case RZ: case P: case RXX: case RYY: case RZZ: case GPHASE:
                return Instruction.gate(g, List.of(in.params().get(0).times(k)), in.numControls(), in.ctrlState(), in.qubits());
            case Z: case S: case SDG: case T: case TDG: {
                double phase = g == Gate.Z ? Math.PI : g == Gate.S ? Math.PI / 2 : g == Gate.SDG ? -Math.PI / 2 : g == Gate.T ? Math.PI / 4 : -Math.PI / 4;
                if (k == Math.rint(k)) return null; // repeat the named gate
                return Instruction.gate(Gate.P, List.of(Angle.of(phase * k)), in.numControls(), in.ctrlState(), in.qubits());
            }
            case X:
                if (k == 0.5) return Instruction.gate(Gate.SX, List.of(), in.numControls(), in.ctrlState(), in.qubits());
                if (k == -0.5) return Instruction.gate(Gate.SXDG, List.of(), in.numControls(), in.ctrlState(), in.qubits());
                return null;
            default:
                return null;
        }
    }
}
