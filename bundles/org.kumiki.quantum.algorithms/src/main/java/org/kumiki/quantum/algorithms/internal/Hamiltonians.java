package org.kumiki.quantum.algorithms.internal;

import java.util.Locale;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.kumiki.quantum.api.Observable;

/** Built-in molecular Hamiltonians in qubit form, and exact ground energies by diagonalisation. */
public final class Hamiltonians {
    private Hamiltonians() {}

    /**
     * H2 at 0.735 Angstrom, STO-3G, parity mapping with two-qubit reduction (the coefficients
     * Qiskit's tutorials publish); electronic energy in Hartree.
     */
    public static final Observable H2_0735 = Observable.parse(
            "-1.052373245772859*II + 0.39793742484318045*IZ - 0.39793742484318045*ZI - 0.01128010425623538*ZZ + 0.18093119978423156*XX");

    /** Nuclear repulsion of H2 at 0.735 Angstrom, Hartree. */
    public static final double H2_0735_NUCLEAR_REPULSION = 0.7199689944489797;

    /** Returns {hamiltonian, offset} for a molecule name. */
    static Object[] molecule(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "h2": case "h2-0.735": case "h2-sto3g":
                return new Object[] {H2_0735, H2_0735_NUCLEAR_REPULSION};
            default:
                throw new IllegalArgumentException("unknown molecule '" + name + "' (built in: h2)");
        }
    }

    /** Smallest eigenvalue of a Pauli sum on at most 8 qubits (via the real 2N x 2N form of the Hermitian matrix). */
    public static double groundEnergy(Observable h) {
        int n = h.numQubits();
        if (n > 8) return Double.NaN;
        int dim = 1 << n;
        double[][] re = new double[dim][dim], im = new double[dim][dim];
        for (Observable.Term t : h.terms()) {
            int x = 0, z = 0, ny = 0;
            for (int q = 0; q < n; q++) {
                char c = t.pauliOn(q);
                if (c == 'X' || c == 'Y') x |= 1 << q;
                if (c == 'Z' || c == 'Y') z |= 1 << q;
                if (c == 'Y') ny++;
            }
            for (int j = 0; j < dim; j++) {
                double sign = (Integer.bitCount(j & z) & 1) == 0 ? 1 : -1;
                double v = t.coefficient() * sign;
                // i^ny
                double pr = 0, pi = 0;
                switch (ny & 3) {
                    case 0: pr = v; break;
                    case 1: pi = v; break;
                    case 2: pr = -v; break;
                    default: pi = -v; break;
                }
                re[j ^ x][j] += pr;
                im[j ^ x][j] += pi;
            }
        }
        double[][] big = new double[2 * dim][2 * dim];
        for (int r = 0; r < dim; r++) {
            for (int c = 0; c < dim; c++) {
                big[r][c] = re[r][c];
                big[r + dim][c + dim] = re[r][c];
                big[r][c + dim] = -im[r][c];
                big[r + dim][c] = im[r][c];
            }
        }
        double[] ev = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(big, false)).getEigenvalues();
        double min = Double.POSITIVE_INFINITY;
        for (double e : ev) min = Math.min(min, e);
        return min;
    }
}
