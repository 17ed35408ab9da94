package org.kumiki.quantum.statevector.internal;

import java.util.Arrays;

/** Single-threaded kernels over a (part of a) state vector with separate real and imaginary arrays. */
final class Kernels {
    private Kernels() {}

    static void apply(Op op, double[] re, double[] im, int nq) {
        if (op.controls.length == 0) {
            switch (op.kind) {
                case Op.MAT1: mat1(op.m, op.t0, re, im, nq); return;
                case Op.DIAG1: diag1(op.m, op.t0, re, im, nq); return;
                case Op.PERM_X: permX(op.t0, re, im, nq); return;
                case Op.PHASE: phaseAll(op.m[0], op.m[1], re, im, nq); return;
                default: break;
            }
        }
        if (op.kind == Op.PERM_X && op.controls.length == 1) {
            cx(op.controls[0], (op.cval >>> op.controls[0] & 1) != 0, op.t0, re, im, nq);
            return;
        }
        general(op, re, im, nq);
    }

    /** Controlled X (on |1> or, with {@code on} false, on |0> of the control): swaps in nested loops. */
    static void cx(int c, boolean on, int t, double[] re, double[] im, int nq) {
        final int n = 1 << nq, lo = Math.min(c, t), hi = Math.max(c, t);
        final int sLo = 1 << lo, sHi = 1 << hi, ts = 1 << t, cbit = on ? 1 << c : 0;
        for (int a = 0; a < n; a += 2 * sHi) {
            for (int b = a; b < a + sHi; b += 2 * sLo) {
                final int base = b | cbit;
                if (sLo == 1) {
                    int i = base, j = i | ts;
                    double xr = re[i], xi = im[i];
                    re[i] = re[j]; im[i] = im[j];
                    re[j] = xr; im[j] = xi;
                    continue;
                }
                for (int i = base, end = base + sLo; i < end; i++) {
                    int j = i | ts;
                    double xr = re[i], xi = im[i];
                    re[i] = re[j]; im[i] = im[j];
                    re[j] = xr; im[j] = xi;
                }
            }
        }
    }

    static void mat1(double[] m, int t, double[] re, double[] im, int nq) {
        final double ar = m[0], ai = m[1], br = m[2], bi = m[3], cr = m[4], ci = m[5], dr = m[6], di = m[7];
        final int n = 1 << nq, s = 1 << t;
        if (t == 0) {
            for (int i = 0; i < n; i += 2) {
                double xr = re[i], xi = im[i], yr = re[i + 1], yi = im[i + 1];
                re[i] = ar * xr - ai * xi + br * yr - bi * yi;
                im[i] = ar * xi + ai * xr + br * yi + bi * yr;
                re[i + 1] = cr * xr - ci * xi + dr * yr - di * yi;
                im[i + 1] = cr * xi + ci * xr + dr * yi + di * yr;
            }
            return;
        }
        for (int b = 0; b < n; b += 2 * s) {
            final int end = b + s;
            for (int i = b; i < end; i++) {
                final int k = i + s;
                double xr = re[i], xi = im[i], yr = re[k], yi = im[k];
                re[i] = ar * xr - ai * xi + br * yr - bi * yi;
                im[i] = ar * xi + ai * xr + br * yi + bi * yr;
                re[k] = cr * xr - ci * xi + dr * yr - di * yi;
                im[k] = cr * xi + ci * xr + dr * yi + di * yr;
            }
        }
    }

    static void diag1(double[] m, int t, double[] re, double[] im, int nq) {
        final double ar = m[0], ai = m[1], dr = m[6], di = m[7];
        final int n = 1 << nq, s = 1 << t;
        final boolean firstIsOne = ar == 1 && ai == 0;
        if (t == 0) {
            for (int i = 0; i < n; i += 2) {
                if (!firstIsOne) { double xr = re[i], xi = im[i]; re[i] = ar * xr - ai * xi; im[i] = ar * xi + ai * xr; }
                double yr = re[i + 1], yi = im[i + 1];
                re[i + 1] = dr * yr - di * yi;
                im[i + 1] = dr * yi + di * yr;
            }
            return;
        }
        for (int b = 0; b < n; b += 2 * s) {
            if (!firstIsOne) {
                for (int i = b, end = b + s; i < end; i++) {
                    double xr = re[i], xi = im[i];
                    re[i] = ar * xr - ai * xi;
                    im[i] = ar * xi + ai * xr;
                }
            }
            for (int i = b + s, end = b + 2 * s; i < end; i++) {
                double yr = re[i], yi = im[i];
                re[i] = dr * yr - di * yi;
                im[i] = dr * yi + di * yr;
            }
        }
    }

    static void permX(int t, double[] re, double[] im, int nq) {
        final int n = 1 << nq, s = 1 << t;
        for (int b = 0; b < n; b += 2 * s) {
            for (int i = b, end = b + s; i < end; i++) {
                double xr = re[i], xi = im[i];
                re[i] = re[i + s]; im[i] = im[i + s];
                re[i + s] = xr; im[i + s] = xi;
            }
        }
    }

    static void phaseAll(double pr, double pi, double[] re, double[] im, int nq) {
        final int n = 1 << nq;
        for (int i = 0; i < n; i++) {
            double xr = re[i], xi = im[i];
            re[i] = pr * xr - pi * xi;
            im[i] = pr * xi + pi * xr;
        }
    }

    /** Inserts a zero bit at each of the ascending positions. */
    static int spread(int k, int[] sortedPositions) {
        for (int p : sortedPositions) {
            int low = k & ((1 << p) - 1);
            k = ((k >>> p) << (p + 1)) | low;
        }
        return k;
    }

    /** Any op with controls, two-qubit ops and phases: enumerates the free index bits. */
    static void general(Op op, double[] re, double[] im, int nq) {
        int nt = op.kind == Op.PHASE ? 0 : (op.t1 >= 0 ? 2 : 1);
        int[] fixed = new int[op.controls.length + nt];
        System.arraycopy(op.controls, 0, fixed, 0, op.controls.length);
        if (nt >= 1) fixed[op.controls.length] = op.t0;
        if (nt == 2) fixed[op.controls.length + 1] = op.t1;
        Arrays.sort(fixed);
        final int count = 1 << (nq - fixed.length);
        final int cval = op.cval;
        final double[] m = op.m;
        switch (op.kind) {
            case Op.PHASE: {
                final double pr = m[0], pi = m[1];
                for (int k = 0; k < count; k++) {
                    int i = spread(k, fixed) | cval;
                    double xr = re[i], xi = im[i];
                    re[i] = pr * xr - pi * xi;
                    im[i] = pr * xi + pi * xr;
                }
                return;
            }
            case Op.PERM_X: {
                final int s = 1 << op.t0;
                for (int k = 0; k < count; k++) {
                    int i = spread(k, fixed) | cval, j = i | s;
                    double xr = re[i], xi = im[i];
                    re[i] = re[j]; im[i] = im[j];
                    re[j] = xr; im[j] = xi;
                }
                return;
            }
            case Op.MAT1:
            case Op.DIAG1: {
                final double ar = m[0], ai = m[1], br = m[2], bi = m[3], cr = m[4], ci = m[5], dr = m[6], di = m[7];
                final int s = 1 << op.t0;
                for (int k = 0; k < count; k++) {
                    int i = spread(k, fixed) | cval, j = i | s;
                    double xr = re[i], xi = im[i], yr = re[j], yi = im[j];
                    re[i] = ar * xr - ai * xi + br * yr - bi * yi;
                    im[i] = ar * xi + ai * xr + br * yi + bi * yr;
                    re[j] = cr * xr - ci * xi + dr * yr - di * yi;
                    im[j] = cr * xi + ci * xr + dr * yi + di * yr;
                }
                return;
            }
            default: {
                final int s0 = 1 << op.t0, s1 = 1 << op.t1;
                final int[] idx = new int[4];
                final double[] vr = new double[4], vi = new double[4];
                for (int k = 0; k < count; k++) {
                    int i = spread(k, fixed) | cval;
                    idx[0] = i; idx[1] = i | s0; idx[2] = i | s1; idx[3] = i | s0 | s1;
                    for (int a = 0; a < 4; a++) { vr[a] = re[idx[a]]; vi[a] = im[idx[a]]; }
                    for (int r = 0; r < 4; r++) {
                        double sr = 0, si = 0;
                        for (int c = 0; c < 4; c++) {
                            double mr = m[(r * 4 + c) * 2], mi = m[(r * 4 + c) * 2 + 1];
                            sr += mr * vr[c] - mi * vi[c];
                            si += mr * vi[c] + mi * vr[c];
                        }
                        re[idx[r]] = sr;
                        im[idx[r]] = si;
                    }
                }
            }
        }
    }
}
