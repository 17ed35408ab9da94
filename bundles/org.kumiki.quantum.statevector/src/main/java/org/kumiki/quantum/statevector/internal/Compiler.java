package org.kumiki.quantum.statevector.internal;

import java.util.ArrayList;
import java.util.List;

import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;

/** Turns gate instructions into {@link Op}s, fusing runs of one-qubit gates on the same qubit. */
final class Compiler {
    private Compiler() {}

    static List<Op> compile(List<Instruction> gates, int numQubits, boolean fuse) {
        List<Op> ops = new ArrayList<>();
        double[][] pending = new double[numQubits][];
        for (Instruction in : gates) {
            if (in.kind() == Instruction.Kind.BARRIER) continue;
            if (in.kind() != Instruction.Kind.GATE) throw new IllegalArgumentException("not a gate: " + in);
            Gate g = in.gate();
            double[] a = Matrices.angles(in.params());
            int nc = in.numControls();
            int[] q = in.qubits();
            int[] controls = new int[nc];
            int cval = 0;
            for (int i = 0; i < nc; i++) {
                controls[i] = q[i];
                if ((in.ctrlState() >>> i & 1) != 0) cval |= 1 << q[i];
            }
            if (g == Gate.GPHASE) {
                for (int c : controls) flush(c, pending, ops);
                ops.add(new Op(Op.PHASE, -1, -1, controls, cval, new double[] {Math.cos(a[0]), Math.sin(a[0])}));
                continue;
            }
            if (g == Gate.ID && nc == 0) continue;
            if (g.qubits() == 1) {
                double[] m = Matrices.one(g, a);
                int t = q[nc];
                if (nc == 0 && fuse) {
                    pending[t] = pending[t] == null ? m : Matrices.mul2(m, pending[t]);
                    continue;
                }
                for (int x : q) flush(x, pending, ops);
                ops.add(Op.one(t, controls, cval, m));
            } else {
                for (int x : q) flush(x, pending, ops);
                double[] m = Matrices.two(g, a);
                ops.add(new Op(Matrices.isDiagonal4(m) ? Op.DIAG2 : Op.MAT2, q[nc], q[nc + 1], controls, cval, m));
            }
        }
        for (int t = 0; t < numQubits; t++) flush(t, pending, ops);
        return ops;
    }

    private static void flush(int t, double[][] pending, List<Op> ops) {
        double[] m = pending[t];
        if (m == null) return;
        pending[t] = null;
        if (m[0] == 1 && m[1] == 0 && m[2] == 0 && m[3] == 0 && m[4] == 0 && m[5] == 0 && m[6] == 1 && m[7] == 0) return;
        ops.add(Op.one(t, new int[0], 0, m));
    }
}
