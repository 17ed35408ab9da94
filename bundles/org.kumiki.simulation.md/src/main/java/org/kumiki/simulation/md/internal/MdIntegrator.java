package org.kumiki.simulation.md.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Velocity-Verlet molecular dynamics of a Lennard-Jones fluid in a periodic orthogonal box,
 * organised as LAMMPS's serial {@code Verlet} run with {@code pair_style lj/cut} and
 * {@code newton on}: periodic images as ghost atoms, Verlet half neighbour lists (each pair
 * once, Newton's third law) built from cell bins with a skin, LAMMPS's
 * {@code neigh_modify every/delay/check} rule, forces on ghosts folded back onto their owners.
 * NVE, or NVT with a Nosé-Hoover thermostat (one thermostat variable, Trotter half steps).
 *
 * <p>Forces are computed by {@code threads} workers, each over its own slice of atoms with its
 * own neighbour list and force array, summed afterwards (no locks, no atomics).
 * All arrays are flat {@code double[]}/{@code int[]}; the step loop allocates nothing.
 */
final class MdIntegrator implements AutoCloseable {
    /** An atom moving farther than this (in sigma) in one step means the run is unstable. */
    static final double MAX_STEP_DISPLACEMENT = 0.5;

    private final Atoms atoms;
    private final MdParameters p;
    private final int n;
    private final double lx, ly, lz;
    private final double cutsq, rn, rnsq;
    private final double lj1, lj2, lj3, lj4;
    private final double dof;

    // locals [0, n) then ghosts [n, n + ng)
    private double[] x;
    private final double[] v;
    private double[] f;
    private final double[] xhold;
    private int ng;
    private int[] owner = new int[0];
    private double[] shift = new double[0];
    private boolean[] selfPositive = new boolean[0];

    // bins over the extended box
    private int nbx, nby, nbz;
    private double bsx, bsy, bsz, exlo, eylo, ezlo;
    private int[] binStart = new int[0];
    private int[] binAtoms = new int[0];
    private int[] atomBin = new int[0];

    private final Chunk[] chunks;
    /** Pairs in each atom's list at the last build (to balance the slices), or null. */
    private int[] pairCounts;
    private final ExecutorService pool;

    private long step;
    private int ago;
    private long lastSort;
    private long builds;
    private long dangerous;
    private double etaDot;
    private double twoKe;
    private double loopSeconds;

    /** One thread's slice of atoms, neighbour list and force accumulator. */
    private static final class Chunk {
        int i0, i1;
        int[] first;
        int[] neigh = new int[1024];
        double[] f;
        double evdwl, virial;
    }

    MdIntegrator(Atoms atoms, MdParameters p) throws MdException {
        this.atoms = atoms;
        this.p = p;
        this.n = atoms.n;
        this.lx = atoms.lx();
        this.ly = atoms.ly();
        this.lz = atoms.lz();
        double rc = p.cutoff * 1.0;
        cutsq = rc * rc;
        rn = rc + p.skin;
        rnsq = rn * rn;
        double s6 = Math.pow(p.sigma, 6.0);
        double s12 = Math.pow(p.sigma, 12.0);
        lj1 = 48.0 * p.epsilon * s12;
        lj2 = 24.0 * p.epsilon * s6;
        lj3 = 4.0 * p.epsilon * s12;
        lj4 = 4.0 * p.epsilon * s6;
        dof = atoms.dof();
        x = Arrays.copyOf(atoms.x, 3 * n);
        v = atoms.v;
        f = new double[3 * n];
        xhold = new double[3 * n];
        int t = Math.max(1, Math.min(p.threads, Math.max(1, n / 64)));
        chunks = new Chunk[t];
        for (int c = 0; c < t; c++) {
            Chunk ch = new Chunk();
            ch.i0 = (int) ((long) n * c / t);
            ch.i1 = (int) ((long) n * (c + 1) / t);
            ch.first = new int[n + 1];
            chunks[c] = ch;
        }
        if (t > 1) {
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(t - 1, r -> {
                Thread th = new Thread(r, "kumiki-md-force-" + count.incrementAndGet());
                th.setDaemon(true);
                return th;
            });
        } else {
            pool = null;
        }
    }

    int threads() {
        return chunks.length;
    }

    long neighborBuilds() {
        return builds;
    }

    long dangerousBuilds() {
        return dangerous;
    }

    double loopSeconds() {
        return loopSeconds;
    }

    long step() {
        return step;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Runs setup and {@code p.steps} steps; copies the final state back into the atoms. */
    void run(Listener listener) throws MdException {
        try {
            setup();
            thermo(listener);
            long t0 = System.nanoTime();
            for (long s = 1; s <= p.steps; s++) {
                if (listener.cancelled()) {
                    break;
                }
                boolean eflag = s == p.steps || (p.thermoEvery > 0 && s % p.thermoEvery == 0);
                advance(eflag);
                if (eflag) {
                    thermo(listener);
                }
                if ((s & 63) == 0 || eflag) {
                    listener.progress(s);
                }
            }
            loopSeconds = (System.nanoTime() - t0) * 1e-9;
        } finally {
            writeBack();
        }
    }

    void setup() throws MdException {
        step = 0;
        for (int i = 0; i < 3 * n; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(v[i])) {
                throw new MdException("non-finite position or velocity in the initial state");
            }
        }
        rebuild(true);
        forces(true);
        twoKe = kinetic();
        checkFinite();
    }

    /** One velocity-Verlet step (LAMMPS Verlet::run order). */
    void advance(boolean eflag) throws MdException {
        step++;
        double dt = p.timestep;
        double dtf = 0.5 * dt / atoms.mass;
        if (p.nvt) {
            thermostatHalf();
        }
        double maxd = 0;
        final double[] x = this.x, v = this.v, f = this.f;
        for (int k = 0; k < 3 * n; k += 3) {
            double vx = v[k] + dtf * f[k];
            double vy = v[k + 1] + dtf * f[k + 1];
            double vz = v[k + 2] + dtf * f[k + 2];
            v[k] = vx;
            v[k + 1] = vy;
            v[k + 2] = vz;
            x[k] += dt * vx;
            x[k + 1] += dt * vy;
            x[k + 2] += dt * vz;
            double d = vx * vx + vy * vy + vz * vz;
            if (d > maxd) {
                maxd = d;
            }
        }
        double disp = Math.sqrt(maxd) * dt;
        if (!(disp <= MAX_STEP_DISPLACEMENT * p.sigma)) {
            throw new MdException(String.format(java.util.Locale.ROOT,
                "unstable at step %d: an atom moved %.3g sigma in one step (timestep too large or overlapping atoms)",
                step, disp));
        }
        ago++;
        if (decide()) {
            rebuild(false);
        } else {
            updateGhosts();
        }
        forces(eflag);
        double s2 = 0;
        for (int k = 0; k < 3 * n; k++) {
            double vk = v[k] + dtf * f[k];
            v[k] = vk;
            s2 += vk * vk;
        }
        twoKe = s2 * atoms.mass;
        if (p.nvt) {
            thermostatHalf();
        }
        if (!Double.isFinite(twoKe)) {
            throw new MdException("unstable at step " + step + ": non-finite velocities");
        }
    }

    /** Nosé-Hoover half step (dt/2): update the thermostat velocity, scale velocities, update again. */
    private void thermostatHalf() {
        double tt = p.targetTemperature;
        double q = dof * tt * p.thermostatDamping * p.thermostatDamping;
        double dt4 = 0.25 * p.timestep;
        etaDot += dt4 * (twoKe - dof * tt) / q;
        double scale = Math.exp(-etaDot * 0.5 * p.timestep);
        for (int k = 0; k < 3 * n; k++) {
            v[k] *= scale;
        }
        twoKe *= scale * scale;
        etaDot += dt4 * (twoKe - dof * tt) / q;
    }

    /** LAMMPS Neighbor::decide(). */
    private boolean decide() {
        if (ago >= p.neighborDelay && ago % p.neighborEvery == 0) {
            if (!p.neighborCheck) {
                return true;
            }
            return maxDisplacementSq() > 0.25 * p.skin * p.skin;
        }
        return false;
    }

    private double maxDisplacementSq() {
        double m = 0;
        for (int k = 0; k < 3 * n; k += 3) {
            double dx = x[k] - xhold[k], dy = x[k + 1] - xhold[k + 1], dz = x[k + 2] - xhold[k + 2];
            double d = dx * dx + dy * dy + dz * dz;
            if (d > m) {
                m = d;
            }
        }
        return m;
    }

    private void updateGhosts() {
        final double[] x = this.x;
        for (int g = 0; g < ng; g++) {
            int o = 3 * owner[g];
            int k = 3 * (n + g);
            x[k] = x[o] + shift[3 * g];
            x[k + 1] = x[o + 1] + shift[3 * g + 1];
            x[k + 2] = x[o + 2] + shift[3 * g + 2];
        }
    }

    // ---------------------------------------------------------------- neighbour lists

    private void rebuild(boolean first) throws MdException {
        if (!first && maxDisplacementSq() > 0.25 * p.skin * p.skin) {
            dangerous++;
        }
        wrap();
        if (p.sortEvery > 0 && (first || step - lastSort >= p.sortEvery)) {
            setupBins();
            sortLocals();
            lastSort = step;
            pairCounts = null; // indices changed
        }
        makeGhosts();
        setupBins();
        binAll();
        System.arraycopy(x, 0, xhold, 0, 3 * n);
        if (chunks.length == 1) {
            buildList(chunks[0]);
        } else {
            boolean unknown = pairCounts == null;
            balance();
            parallel(c -> buildList(chunks[c]));
            countPairs();
            if (unknown) {
                // first build (or after a sort): now that the counts are known, build balanced slices
                balance();
                parallel(c -> buildList(chunks[c]));
                countPairs();
            }
        }
        ago = 0;
        builds++;
    }

    private void countPairs() {
        if (pairCounts == null) {
            pairCounts = new int[n];
        }
        for (Chunk c : chunks) {
            for (int i = c.i0; i < c.i1; i++) {
                pairCounts[i] = c.first[i - c.i0 + 1] - c.first[i - c.i0];
            }
        }
    }

    /**
     * Slices of equal pair counts (as of the last build): in a half list the atoms with low
     * indices own the pairs across the periodic boundary, so equal atom counts are not equal work.
     */
    private void balance() {
        int t = chunks.length;
        if (pairCounts == null) {
            for (int c = 0; c < t; c++) {
                chunks[c].i0 = (int) ((long) n * c / t);
                chunks[c].i1 = (int) ((long) n * (c + 1) / t);
            }
            return;
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += pairCounts[i] + 1; // +1: per-atom work besides pairs
        }
        long acc = 0;
        int c = 1;
        chunks[0].i0 = 0;
        for (int i = 0; i < n && c < t; i++) {
            acc += pairCounts[i] + 1;
            if (acc * t >= total * c) {
                chunks[c - 1].i1 = i + 1;
                chunks[c].i0 = i + 1;
                c++;
            }
        }
        for (; c < t; c++) {
            chunks[c - 1].i1 = n;
            chunks[c].i0 = n;
        }
        chunks[t - 1].i1 = n;
    }

    private void wrap() throws MdException {
        double[] lo = {atoms.xlo, atoms.ylo, atoms.zlo};
        double[] len = {lx, ly, lz};
        int[] image = atoms.image;
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                int k = 3 * i + d;
                double c = x[k];
                if (!Double.isFinite(c)) {
                    throw new MdException("unstable at step " + step + ": atom " + atoms.tag[i] + " has a non-finite position");
                }
                double hi = lo[d] + len[d];
                if (c < lo[d] || c >= hi) {
                    double m = Math.floor((c - lo[d]) / len[d]);
                    if (Math.abs(m) > 1e6) {
                        throw new MdException("unstable at step " + step + ": atom " + atoms.tag[i] + " flew " + m + " boxes away");
                    }
                    c -= m * len[d];
                    if (c >= hi) {
                        c -= len[d];
                        m += 1;
                    }
                    if (c < lo[d]) {
                        c = lo[d];
                    }
                    x[k] = c;
                    image[k] += (int) m;
                }
            }
        }
    }

    private void makeGhosts() {
        double[] lo = {atoms.xlo, atoms.ylo, atoms.zlo};
        double[] len = {lx, ly, lz};
        int[] mmax = new int[3];
        for (int d = 0; d < 3; d++) {
            mmax[d] = (int) Math.ceil(rn / len[d]);
        }
        int cap = Math.max(owner.length, 16);
        int count = 0;
        int[] own = owner.length > 0 ? owner : new int[cap];
        double[] sh = shift.length > 0 ? shift : new double[3 * cap];
        boolean[] self = selfPositive.length > 0 ? selfPositive : new boolean[cap];
        int[][] allowed = new int[3][];
        int[] na = new int[3];
        for (int d = 0; d < 3; d++) {
            allowed[d] = new int[2 * mmax[d] + 1];
        }
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                double c = x[3 * i + d];
                na[d] = 0;
                for (int m = -mmax[d]; m <= mmax[d]; m++) {
                    double cm = c + m * len[d];
                    if (cm >= lo[d] - rn && cm < lo[d] + len[d] + rn) {
                        allowed[d][na[d]++] = m;
                    }
                }
            }
            for (int a = 0; a < na[0]; a++) {
                for (int b = 0; b < na[1]; b++) {
                    for (int c = 0; c < na[2]; c++) {
                        int mx = allowed[0][a], my = allowed[1][b], mz = allowed[2][c];
                        if (mx == 0 && my == 0 && mz == 0) {
                            continue;
                        }
                        if (count == own.length) {
                            int nc = own.length * 2;
                            own = Arrays.copyOf(own, nc);
                            sh = Arrays.copyOf(sh, 3 * nc);
                            self = Arrays.copyOf(self, nc);
                        }
                        own[count] = i;
                        sh[3 * count] = mx * len[0];
                        sh[3 * count + 1] = my * len[1];
                        sh[3 * count + 2] = mz * len[2];
                        self[count] = mx > 0 || (mx == 0 && (my > 0 || (my == 0 && mz > 0)));
                        count++;
                    }
                }
            }
        }
        owner = own;
        shift = sh;
        selfPositive = self;
        ng = count;
        int total = 3 * (n + ng);
        if (x.length < total) {
            x = Arrays.copyOf(x, total + total / 8);
        }
        if (f.length < x.length) {
            f = new double[x.length];
        }
        for (Chunk c : chunks) {
            if (c != chunks[0] && (c.f == null || c.f.length < x.length)) {
                c.f = new double[x.length];
            }
        }
        chunks[0].f = f;
        updateGhosts();
    }

    private void setupBins() {
        exlo = atoms.xlo - rn;
        eylo = atoms.ylo - rn;
        ezlo = atoms.zlo - rn;
        double ex = lx + 2 * rn, ey = ly + 2 * rn, ez = lz + 2 * rn;
        double half = 0.5 * rn;
        nbx = Math.max(1, (int) Math.floor(ex / half));
        nby = Math.max(1, (int) Math.floor(ey / half));
        nbz = Math.max(1, (int) Math.floor(ez / half));
        bsx = ex / nbx;
        bsy = ey / nby;
        bsz = ez / nbz;
        int nb = nbx * nby * nbz;
        if (binStart.length < nb + 1) {
            binStart = new int[nb + 1];
        }
    }

    private int binOf(int k) {
        int ix = (int) ((x[k] - exlo) / bsx);
        int iy = (int) ((x[k + 1] - eylo) / bsy);
        int iz = (int) ((x[k + 2] - ezlo) / bsz);
        ix = Math.min(Math.max(ix, 0), nbx - 1);
        iy = Math.min(Math.max(iy, 0), nby - 1);
        iz = Math.min(Math.max(iz, 0), nbz - 1);
        return (iz * nby + iy) * nbx + ix;
    }

    /** Counting sort of every atom (locals and ghosts) by bin. */
    private void binAll() {
        int total = n + ng;
        int nb = nbx * nby * nbz;
        if (atomBin.length < total) {
            atomBin = new int[total + total / 8];
            binAtoms = new int[atomBin.length];
        }
        Arrays.fill(binStart, 0, nb + 1, 0);
        for (int i = 0; i < total; i++) {
            int b = binOf(3 * i);
            atomBin[i] = b;
            binStart[b + 1]++;
        }
        for (int b = 0; b < nb; b++) {
            binStart[b + 1] += binStart[b];
        }
        int[] fill = Arrays.copyOf(binStart, nb);
        for (int i = 0; i < total; i++) {
            binAtoms[fill[atomBin[i]]++] = i;
        }
    }

    /** Reorders local atoms by bin, for memory locality (LAMMPS atom_modify sort). */
    private void sortLocals() {
        int nb = nbx * nby * nbz;
        int[] key = new int[n];
        int[] start = new int[nb + 1];
        for (int i = 0; i < n; i++) {
            key[i] = binOf(3 * i);
            start[key[i] + 1]++;
        }
        for (int b = 0; b < nb; b++) {
            start[b + 1] += start[b];
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[start[key[i]]++] = i;
        }
        double[] nx = new double[3 * n], nv = new double[3 * n];
        int[] ntag = new int[n], nimg = new int[3 * n];
        for (int k = 0; k < n; k++) {
            int i = perm[k];
            System.arraycopy(x, 3 * i, nx, 3 * k, 3);
            System.arraycopy(v, 3 * i, nv, 3 * k, 3);
            System.arraycopy(atoms.image, 3 * i, nimg, 3 * k, 3);
            ntag[k] = atoms.tag[i];
        }
        System.arraycopy(nx, 0, x, 0, 3 * n);
        System.arraycopy(nv, 0, v, 0, 3 * n);
        System.arraycopy(nimg, 0, atoms.image, 0, 3 * n);
        System.arraycopy(ntag, 0, atoms.tag, 0, n);
        // forces are recomputed right after a build; clear stale ones
    }

    private void buildList(Chunk c) {
        final double[] x = this.x;
        final int[] binStart = this.binStart, binAtoms = this.binAtoms, atomBin = this.atomBin, owner = this.owner;
        final boolean[] selfPositive = this.selfPositive;
        final int n = this.n;
        int[] neigh = c.neigh;
        int count = 0;
        for (int i = c.i0; i < c.i1; i++) {
            c.first[i - c.i0] = count;
            int bi = atomBin[i];
            int ix = bi % nbx, iy = (bi / nbx) % nby, iz = bi / (nbx * nby);
            double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
            for (int dz = -2; dz <= 2; dz++) {
                int bz = iz + dz;
                if (bz < 0 || bz >= nbz) {
                    continue;
                }
                for (int dy = -2; dy <= 2; dy++) {
                    int by = iy + dy;
                    if (by < 0 || by >= nby) {
                        continue;
                    }
                    int row = (bz * nby + by) * nbx;
                    int bx0 = Math.max(ix - 2, 0), bx1 = Math.min(ix + 2, nbx - 1);
                    // bins bx0..bx1 of one row are contiguous in binAtoms
                    int s0 = binStart[row + bx0], s1 = binStart[row + bx1 + 1];
                    if (count + (s1 - s0) > neigh.length) {
                        neigh = Arrays.copyOf(neigh, Math.max(neigh.length * 2, count + (s1 - s0)));
                    }
                    for (int s = s0; s < s1; s++) {
                        int j = binAtoms[s];
                        // each pair once: in the list of the atom (or ghost owner) with the lower index
                        if (j < n) {
                            if (j <= i) {
                                continue;
                            }
                        } else {
                            int o = owner[j - n];
                            if (o < i || (o == i && !selfPositive[j - n])) {
                                continue;
                            }
                        }
                        double dx = xi - x[3 * j], dy2 = yi - x[3 * j + 1], dz2 = zi - x[3 * j + 2];
                        double rsq = dx * dx + dy2 * dy2 + dz2 * dz2;
                        if (rsq < rnsq) {
                            neigh[count++] = j;
                        }
                    }
                }
            }
        }
        c.first[c.i1 - c.i0] = count;
        c.neigh = neigh;
    }

    // ---------------------------------------------------------------- forces

    private void forces(boolean eflag) throws MdException {
        int total = 3 * (n + ng);
        if (chunks.length == 1) {
            Arrays.fill(f, 0, total, 0.0);
            compute(chunks[0], eflag);
        } else {
            // a chunk writes only to its own atoms, higher locals (j > i) and ghosts: [3 * i0, total)
            parallel(c -> {
                Chunk ch = chunks[c];
                Arrays.fill(ch.f, 3 * ch.i0, total, 0.0);
                compute(ch, eflag);
            });
            // sum the other chunks' forces into chunk 0's, in parallel slices
            final int lo = 3 * chunks[1].i0;
            parallel(c -> {
                int k0 = lo + (int) ((long) (total - lo) * c / chunks.length);
                int k1 = lo + (int) ((long) (total - lo) * (c + 1) / chunks.length);
                for (int t = 1; t < chunks.length; t++) {
                    double[] ft = chunks[t].f;
                    for (int k = Math.max(k0, 3 * chunks[t].i0); k < k1; k++) {
                        f[k] += ft[k];
                    }
                }
            });
        }
        // reverse communication: ghost forces onto their owners
        final double[] f = this.f;
        for (int g = 0; g < ng; g++) {
            int k = 3 * (n + g), o = 3 * owner[g];
            f[o] += f[k];
            f[o + 1] += f[k + 1];
            f[o + 2] += f[k + 2];
        }
    }

    private void compute(Chunk c, boolean eflag) {
        final double[] x = this.x;
        final double[] f = c.f;
        final int[] neigh = c.neigh, first = c.first;
        final double cutsq = this.cutsq, lj1 = this.lj1, lj2 = this.lj2, lj3 = this.lj3, lj4 = this.lj4;
        double evdwl = 0, virial = 0;
        for (int i = c.i0; i < c.i1; i++) {
            int i3 = 3 * i;
            double xi = x[i3], yi = x[i3 + 1], zi = x[i3 + 2];
            double fxi = 0, fyi = 0, fzi = 0;
            int k1 = first[i - c.i0 + 1];
            for (int k = first[i - c.i0]; k < k1; k++) {
                int j3 = 3 * neigh[k];
                double dx = xi - x[j3], dy = yi - x[j3 + 1], dz = zi - x[j3 + 2];
                double rsq = dx * dx + dy * dy + dz * dz;
                if (rsq < cutsq) {
                    double r2inv = 1.0 / rsq;
                    double r6inv = r2inv * r2inv * r2inv;
                    double fpair = r6inv * (lj1 * r6inv - lj2) * r2inv;
                    fxi += dx * fpair;
                    fyi += dy * fpair;
                    fzi += dz * fpair;
                    f[j3] -= dx * fpair;
                    f[j3 + 1] -= dy * fpair;
                    f[j3 + 2] -= dz * fpair;
                    if (eflag) {
                        evdwl += r6inv * (lj3 * r6inv - lj4);
                        virial += rsq * fpair;
                    }
                }
            }
            f[i3] += fxi;
            f[i3 + 1] += fyi;
            f[i3 + 2] += fzi;
        }
        c.evdwl = evdwl;
        c.virial = virial;
    }

    private interface ChunkTask {
        void run(int chunk) throws Exception;
    }

    private void parallel(ChunkTask task) throws MdException {
        List<Future<?>> futures = new ArrayList<>(chunks.length - 1);
        for (int c = 1; c < chunks.length; c++) {
            final int cc = c;
            futures.add(pool.submit(() -> {
                task.run(cc);
                return null;
            }));
        }
        try {
            task.run(0);
            for (Future<?> fu : futures) {
                fu.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MdException("interrupted");
        } catch (ExecutionException e) {
            throw new MdException("force worker failed: " + e.getCause());
        } catch (Exception e) {
            throw new MdException("force worker failed: " + e);
        }
    }

    // ---------------------------------------------------------------- thermo

    private double kinetic() {
        double s = 0;
        for (int k = 0; k < 3 * n; k++) {
            s += v[k] * v[k];
        }
        return s * atoms.mass;
    }

    private void checkFinite() throws MdException {
        double e = 0;
        for (Chunk c : chunks) {
            e += c.evdwl + c.virial;
        }
        if (!Double.isFinite(e)) {
            throw new MdException("non-finite energy at step " + step + " (overlapping atoms?)");
        }
    }

    /** Per-atom pair energy, temperature, per-atom total energy, pressure of the last eflag force call. */
    double[] thermoValues() {
        double evdwl = 0, virial = 0;
        for (Chunk c : chunks) {
            evdwl += c.evdwl;
            virial += c.virial;
        }
        double temp = twoKe / dof;
        double ke = 0.5 * twoKe;
        double press = (twoKe + virial) / (3.0 * atoms.volume());
        return new double[] {temp, evdwl / n, (evdwl + ke) / n, press};
    }

    private void thermo(Listener listener) throws MdException {
        double[] t = thermoValues();
        for (double d : t) {
            if (!Double.isFinite(d)) {
                throw new MdException("unstable at step " + step + ": non-finite thermo (overlapping atoms or timestep too large)");
            }
        }
        listener.thermo(step, t[0], t[1], t[2], t[3]);
    }

    private void writeBack() {
        System.arraycopy(x, 0, atoms.x, 0, 3 * n);
    }
}
