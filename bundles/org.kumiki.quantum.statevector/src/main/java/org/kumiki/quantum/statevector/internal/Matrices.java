package org.kumiki.quantum.statevector.internal;

import java.util.List;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.QuantumException;

/**
 * Gate matrices as interleaved complex doubles, row-major: 2x2 = 8 doubles, 4x4 = 32 doubles.
 * Two-qubit matrices index their basis with the first target as the least significant bit.
 */
final class Matrices {
    private Matrices() {}

    static final double R = Math.sqrt(0.5);

    static double[] angles(List<Angle> params) {
        double[] a = new double[params.size()];
        for (int i = 0; i < a.length; i++) {
            Angle p = params.get(i);
            if (!p.isNumeric()) throw new QuantumException("unbound parameter(s) " + p.parameters() + ": bind values before running");
            a[i] = p.value();
        }
        return a;
    }

    /** 2x2 matrix of a one-qubit gate. */
    static double[] one(Gate g, double[] a) {
        switch (g) {
            case ID: return new double[] {1, 0, 0, 0, 0, 0, 1, 0};
            case X: return new double[] {0, 0, 1, 0, 1, 0, 0, 0};
            case Y: return new double[] {0, 0, 0, -1, 0, 1, 0, 0};
            case Z: return new double[] {1, 0, 0, 0, 0, 0, -1, 0};
            case H: return new double[] {R, 0, R, 0, R, 0, -R, 0};
            case S: return new double[] {1, 0, 0, 0, 0, 0, 0, 1};
            case SDG: return new double[] {1, 0, 0, 0, 0, 0, 0, -1};
            case T: return new double[] {1, 0, 0, 0, 0, 0, R, R};
            case TDG: return new double[] {1, 0, 0, 0, 0, 0, R, -R};
            case SX: return new double[] {0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5};
            case SXDG: return new double[] {0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -0.5};
            case RX: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                return new double[] {c, 0, 0, -s, 0, -s, c, 0};
            }
            case RY: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                return new double[] {c, 0, -s, 0, s, 0, c, 0};
            }
            case RZ: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                return new double[] {c, -s, 0, 0, 0, 0, c, s};
            }
            case P: return new double[] {1, 0, 0, 0, 0, 0, Math.cos(a[0]), Math.sin(a[0])};
            case U: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2), phi = a[1], lam = a[2];
                return new double[] {c, 0, -Math.cos(lam) * s, -Math.sin(lam) * s,
                        Math.cos(phi) * s, Math.sin(phi) * s, Math.cos(phi + lam) * c, Math.sin(phi + lam) * c};
            }
            default: throw new IllegalArgumentException(g + " is not a one-qubit gate");
        }
    }

    /** 4x4 matrix of a two-qubit gate. */
    static double[] two(Gate g, double[] a) {
        double[] m = new double[32];
        switch (g) {
            case SWAP:
                set(m, 0, 0, 1, 0); set(m, 1, 2, 1, 0); set(m, 2, 1, 1, 0); set(m, 3, 3, 1, 0);
                return m;
            case RXX: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                for (int k = 0; k < 4; k++) { set(m, k, k, c, 0); set(m, k, 3 - k, 0, -s); }
                return m;
            }
            case RYY: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                for (int k = 0; k < 4; k++) set(m, k, k, c, 0);
                // YY: |00>->-|11>, |01>->|10>, |10>->|01>, |11>->-|00>; RYY = c I - i s YY
                set(m, 0, 3, 0, s); set(m, 3, 0, 0, s); set(m, 1, 2, 0, -s); set(m, 2, 1, 0, -s);
                return m;
            }
            case RZZ: {
                double c = Math.cos(a[0] / 2), s = Math.sin(a[0] / 2);
                set(m, 0, 0, c, -s); set(m, 1, 1, c, s); set(m, 2, 2, c, s); set(m, 3, 3, c, -s);
                return m;
            }
            default: throw new IllegalArgumentException(g + " is not a two-qubit gate");
        }
    }

    private static void set(double[] m, int r, int c, double re, double im) {
        m[(r * 4 + c) * 2] = re;
        m[(r * 4 + c) * 2 + 1] = im;
    }

    /** a * b for 2x2 (apply b first, then a). */
    static double[] mul2(double[] a, double[] b) {
        double[] r = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double re = 0, im = 0;
                for (int k = 0; k < 2; k++) {
                    double ar = a[(i * 2 + k) * 2], ai = a[(i * 2 + k) * 2 + 1];
                    double br = b[(k * 2 + j) * 2], bi = b[(k * 2 + j) * 2 + 1];
                    re += ar * br - ai * bi;
                    im += ar * bi + ai * br;
                }
                r[(i * 2 + j) * 2] = re;
                r[(i * 2 + j) * 2 + 1] = im;
            }
        }
        return r;
    }

    static boolean isDiagonal2(double[] m) {
        return m[2] == 0 && m[3] == 0 && m[4] == 0 && m[5] == 0;
    }

    static boolean isDiagonal4(double[] m) {
        for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) {
            if (r != c && (m[(r * 4 + c) * 2] != 0 || m[(r * 4 + c) * 2 + 1] != 0)) return false;
        }
        return true;
    }
}
