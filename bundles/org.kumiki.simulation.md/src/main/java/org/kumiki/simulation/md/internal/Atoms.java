package org.kumiki.simulation.md.internal;

import java.util.Arrays;

/**
 * A periodic orthogonal box of identical Lennard-Jones atoms in flat arrays: positions and
 * velocities interleaved (x0 y0 z0 x1 ...), LAMMPS atom ids and image flags.
 */
final class Atoms {
    int n;
    double xlo, ylo, zlo, xhi, yhi, zhi;
    double mass = 1.0;
    double[] x;
    double[] v;
    int[] tag;
    /** Image flags, 3 per atom. */
    int[] image;

    Atoms(int n) {
        this.n = n;
        x = new double[3 * n];
        v = new double[3 * n];
        tag = new int[n];
        image = new int[3 * n];
    }

    double lx() {
        return xhi - xlo;
    }

    double ly() {
        return yhi - ylo;
    }

    double lz() {
        return zhi - zlo;
    }

    double volume() {
        return lx() * ly() * lz();
    }

    /**
     * LAMMPS {@code lattice fcc rho; region box block 0 nx 0 ny 0 nz; create_atoms 1 box}:
     * the same coordinates bit for bit (scale = (4/rho)^(1/3); x = (i + basis) * scale) and
     * the same id order (z, y, x, basis).
     */
    static Atoms fcc(double density, int nx, int ny, int nz) {
        double scale = Math.pow(4.0 / density, 1.0 / 3.0);
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        long count = 4L * nx * ny * nz;
        if (count > Integer.MAX_VALUE / 3) {
            throw new IllegalArgumentException("too many atoms: " + count);
        }
        Atoms a = new Atoms((int) count);
        a.xlo = a.ylo = a.zlo = 0;
        a.xhi = nx * scale;
        a.yhi = ny * scale;
        a.zhi = nz * scale;
        int m = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    for (double[] b : basis) {
                        a.x[3 * m] = (i + b[0]) * scale;
                        a.x[3 * m + 1] = (j + b[1]) * scale;
                        a.x[3 * m + 2] = (k + b[2]) * scale;
                        a.tag[m] = m + 1;
                        m++;
                    }
                }
            }
        }
        return a;
    }

    /**
     * LAMMPS {@code velocity all create T seed loop geom} (uniform distribution, zero total
     * momentum, then scaled to exactly T with 3N-3 degrees of freedom).
     */
    void createVelocities(double temperature, int seed) {
        ParkMillerRandom random = new ParkMillerRandom(seed);
        double factor = 1.0 / Math.sqrt(mass);
        for (int i = 0; i < n; i++) {
            random.reset(seed, x[3 * i], x[3 * i + 1], x[3 * i + 2]);
            v[3 * i] = (random.uniform() - 0.5) * factor;
            v[3 * i + 1] = (random.uniform() - 0.5) * factor;
            v[3 * i + 2] = (random.uniform() - 0.5) * factor;
        }
        zeroMomentum();
        double t = temperature();
        if (t > 0) {
            double s = Math.sqrt(temperature / t);
            for (int i = 0; i < 3 * n; i++) {
                v[i] *= s;
            }
        }
    }

    void zeroMomentum() {
        if (n == 0) {
            return;
        }
        double px = 0, py = 0, pz = 0;
        for (int i = 0; i < n; i++) {
            px += v[3 * i];
            py += v[3 * i + 1];
            pz += v[3 * i + 2];
        }
        px /= n;
        py /= n;
        pz /= n;
        for (int i = 0; i < n; i++) {
            v[3 * i] -= px;
            v[3 * i + 1] -= py;
            v[3 * i + 2] -= pz;
        }
    }

    /** Degrees of freedom of LAMMPS's default temperature compute: 3N - 3. */
    double dof() {
        return Math.max(3.0 * n - 3.0, 1.0);
    }

    double twiceKinetic() {
        double s = 0;
        for (int i = 0; i < 3 * n; i++) {
            s += v[i] * v[i];
        }
        return s * mass;
    }

    double temperature() {
        return twiceKinetic() / dof();
    }

    Atoms copy() {
        Atoms a = new Atoms(n);
        a.xlo = xlo;
        a.ylo = ylo;
        a.zlo = zlo;
        a.xhi = xhi;
        a.yhi = yhi;
        a.zhi = zhi;
        a.mass = mass;
        a.x = Arrays.copyOf(x, x.length);
        a.v = Arrays.copyOf(v, v.length);
        a.tag = Arrays.copyOf(tag, tag.length);
        a.image = Arrays.copyOf(image, image.length);
        return a;
    }
}
