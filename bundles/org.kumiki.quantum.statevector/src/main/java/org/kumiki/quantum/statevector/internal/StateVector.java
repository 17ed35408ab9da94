package org.kumiki.quantum.statevector.internal;

/** 2^n amplitudes as two flat double arrays (real, imaginary). Starts in |0...0&gt;. */
public final class StateVector {
    final int n;
    final double[] re;
    final double[] im;

    StateVector(int n) {
        this.n = n;
        this.re = new double[1 << n];
        this.im = new double[1 << n];
        re[0] = 1.0;
    }

    StateVector(StateVector o) {
        this.n = o.n;
        this.re = o.re.clone();
        this.im = o.im.clone();
    }

    public int numQubits() { return n; }

    public double re(int i) { return re[i]; }

    public double im(int i) { return im[i]; }

    public double probability(int i) { return re[i] * re[i] + im[i] * im[i]; }

    /** Bytes a state of n qubits needs. */
    public static long bytesFor(int n) { return 16L << n; }
}
