package org.kumiki.simulation.md.internal;

/**
 * LAMMPS's {@code RanPark} (Park-Miller minimal standard generator), including its
 * coordinate-hashed reset used by {@code velocity ... loop geom}, so the embedded engine can
 * create exactly the velocities LAMMPS creates.
 */
final class ParkMillerRandom {
    private static final int IA = 16807;
    private static final int IM = 2147483647;
    private static final double AM = 1.0 / IM;
    private static final int IQ = 127773;
    private static final int IR = 2836;

    private int seed;

    ParkMillerRandom(int seed) {
        if (seed <= 0) {
            throw new IllegalArgumentException("seed must be positive");
        }
        this.seed = seed;
    }

    double uniform() {
        int k = seed / IQ;
        seed = IA * (seed - k * IQ) - IR * k;
        if (seed < 0) {
            seed += IM;
        }
        return AM * seed;
    }

    /** RanPark::reset(int ibase, double *coord): a Jenkins one-at-a-time hash of the bytes (signed chars on x86). */
    void reset(int ibase, double x, double y, double z) {
        int hash = 0;
        for (int i = 0; i < 4; i++) {
            byte b = (byte) (ibase >>> (8 * i));
            hash += b;
            hash += hash << 10;
            hash ^= hash >>> 6;
        }
        double[] c = {x, y, z};
        for (double d : c) {
            long bits = Double.doubleToRawLongBits(d);
            for (int i = 0; i < 8; i++) {
                byte b = (byte) (bits >>> (8 * i));
                hash += b;
                hash += hash << 10;
                hash ^= hash >>> 6;
            }
        }
        hash += hash << 3;
        hash ^= hash >>> 11;
        hash += hash << 15;
        seed = hash & 0x7ffffff;
        if (seed == 0) {
            seed = 1;
        }
        for (int i = 0; i < 5; i++) {
            uniform();
        }
    }
}
