package org.kumiki.quantum.statevector.internal;

import java.util.Arrays;

/**
 * A compiled unitary operation on global (or, after {@link #remap}, local) qubit indices.
 * Controls are a mask and the value those bits must have.
 */
final class Op {
    static final int MAT1 = 0, DIAG1 = 1, MAT2 = 2, DIAG2 = 3, PHASE = 4, PERM_X = 5;

    final int kind;
    final int t0, t1;          // targets (t1 = -1 for one-qubit ops)
    final int[] controls;      // control qubits
    final int cval;            // required value of the controls, as bits of the qubit positions
    final double[] m;          // MAT1/DIAG1/PERM_X: 2x2; MAT2/DIAG2: 4x4; PHASE: {re, im}

    Op(int kind, int t0, int t1, int[] controls, int cval, double[] m) {
        this.kind = kind;
        this.t0 = t0;
        this.t1 = t1;
        this.controls = controls;
        this.cval = cval;
        this.m = m;
    }

    static Op one(int t, int[] controls, int cval, double[] m) {
        int kind = Matrices.isDiagonal2(m) ? DIAG1 : MAT1;
        if (m[0] == 0 && m[1] == 0 && m[6] == 0 && m[7] == 0 && m[2] == 1 && m[3] == 0 && m[4] == 1 && m[5] == 0) kind = PERM_X;
        return new Op(kind, t, -1, controls, cval, m);
    }

    int cmask() {
        int mask = 0;
        for (int c : controls) mask |= 1 << c;
        return mask;
    }

    /** Every qubit it touches. */
    int[] qubits() {
        int n = controls.length + (t0 >= 0 ? 1 : 0) + (t1 >= 0 ? 1 : 0);
        int[] q = new int[n];
        int i = 0;
        for (int c : controls) q[i++] = c;
        if (t0 >= 0) q[i++] = t0;
        if (t1 >= 0) q[i++] = t1;
        return q;
    }

    Op remap(int[] toLocal) {
        int[] c = new int[controls.length];
        int v = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = toLocal[controls[i]];
            if ((cval >>> controls[i] & 1) != 0) v |= 1 << c[i];
        }
        return new Op(kind, t0 < 0 ? -1 : toLocal[t0], t1 < 0 ? -1 : toLocal[t1], c, v, m);
    }

    @Override
    public String toString() {
        return "Op[" + kind + " t=" + t0 + "," + t1 + " c=" + Arrays.toString(controls) + "]";
    }
}
