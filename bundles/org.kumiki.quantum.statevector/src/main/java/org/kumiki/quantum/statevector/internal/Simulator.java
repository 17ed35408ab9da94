package org.kumiki.quantum.statevector.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.quantum.api.CircuitTooLargeException;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumException;

/**
 * The state-vector engine. Gates are grouped into stages: each stage acts on at most
 * {@code blockQubits} qubits (the {@code lowQubits} lowest ones plus a few high ones), so the
 * state streams through memory once per stage while all the stage's gates run on a
 * cache-resident block; blocks are spread over the worker threads.
 */
public final class Simulator implements AutoCloseable {
    /** Largest state whose arrays Java can index (2^30 doubles each). */
    public static final int ARRAY_LIMIT_QUBITS = 30;

    private final int threads;
    private final int blockQubits;
    private final int lowQubits;
    private final ExecutorService pool;
    private final int maxQubitsConfigured;

    public Simulator(int threads, int maxQubits) {
        this(threads, maxQubits, 16, 6);
    }

    public Simulator(int threads, int maxQubits, int blockQubits, int lowQubits) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        if (lowQubits < 1 || lowQubits >= blockQubits) throw new IllegalArgumentException("need 1 <= lowQubits < blockQubits");
        this.threads = threads;
        this.blockQubits = blockQubits;
        this.lowQubits = lowQubits;
        this.maxQubitsConfigured = maxQubits <= 0 ? ARRAY_LIMIT_QUBITS : Math.min(maxQubits, ARRAY_LIMIT_QUBITS);
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kumiki-statevector-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() { return threads; }

    /** The most qubits this JVM's heap can hold now (with headroom), capped by the configuration. */
    public int maxQubits() {
        long avail = availableBytes();
        int n = 0;
        while (n < maxQubitsConfigured && bytesNeeded(n + 1) <= avail) n++;
        return n;
    }

    private long bytesNeeded(int n) {
        return StateVector.bytesFor(n) + (long) threads * StateVector.bytesFor(Math.min(n, blockQubits)) + (8L << 20);
    }

    private static long availableBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Refuses, before allocating, a state that the configuration, Java arrays or the heap cannot hold. */
    public void checkFits(int n) {
        if (n < 0) throw new IllegalArgumentException("negative qubit count");
        if (n > maxQubitsConfigured) {
            throw new CircuitTooLargeException("circuit needs " + n + " qubits; this simulator takes at most " + maxQubitsConfigured
                    + (maxQubitsConfigured == ARRAY_LIMIT_QUBITS ? " (a state vector of 2^31 amplitudes exceeds Java's array limit)" : " (configured maxQubits)"),
                    n, maxQubitsConfigured);
        }
        long need = bytesNeeded(n);
        long avail = availableBytes();
        if (need > avail) {
            throw new CircuitTooLargeException(String.format("circuit needs %d qubits: the state vector takes %s but only %s of heap is free (at most %d qubits fit; raise -Xmx)",
                    n, human(need), human(avail), maxQubits()), n, maxQubits());
        }
    }

    static String human(long b) {
        double v = b;
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int i = 0;
        while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
        return String.format("%.1f %s", v, u[i]);
    }

    public StateVector allocate(int n) {
        checkFits(n);
        try {
            return new StateVector(n);
        } catch (OutOfMemoryError e) {
            throw new CircuitTooLargeException("circuit needs " + n + " qubits: out of memory allocating the state vector", n, maxQubits());
        }
    }

    // ---- gate application ---------------------------------------------------------------------

    public void run(StateVector sv, List<Op> ops) {
        int n = sv.n;
        if (ops.isEmpty()) return;
        if (n <= blockQubits) {
            for (Op op : ops) Kernels.apply(op, sv.re, sv.im, n);
            return;
        }
        List<Op> remaining = ops;
        while (!remaining.isEmpty()) {
            int hmax = blockQubits - lowQubits;
            boolean[] inS = new boolean[n];
            for (int q = 0; q < lowQubits; q++) inS[q] = true;
            boolean[] blocked = new boolean[n];
            List<Integer> high = new ArrayList<>();
            List<Op> stage = new ArrayList<>();
            List<Op> rest = new ArrayList<>();
            for (Op op : remaining) {
                int[] qs = op.qubits();
                boolean isBlocked = false;
                int newHigh = 0;
                for (int q : qs) {
                    if (blocked[q]) isBlocked = true;
                    if (!inS[q]) newHigh++;
                }
                if (!isBlocked && high.size() + newHigh <= hmax) {
                    for (int q : qs) if (!inS[q]) { inS[q] = true; high.add(q); }
                    stage.add(op);
                } else {
                    for (int q : qs) blocked[q] = true;
                    rest.add(op);
                }
            }
            if (stage.isEmpty()) {
                // an op on more qubits than a block holds: apply it to the whole state
                Kernels.apply(remaining.get(0), sv.re, sv.im, n);
                remaining = remaining.subList(1, remaining.size());
                continue;
            }
            runStage(sv, stage, high);
            remaining = rest;
        }
    }

    private void runStage(StateVector sv, List<Op> stage, List<Integer> highList) {
        final int n = sv.n;
        final int[] high = highList.stream().mapToInt(Integer::intValue).sorted().toArray();
        final int p = lowQubits, h = high.length, local = p + h;
        int[] toLocal = new int[n];
        Arrays.fill(toLocal, -1);
        for (int q = 0; q < p; q++) toLocal[q] = q;
        for (int i = 0; i < h; i++) toLocal[high[i]] = p + i;
        final List<Op> localOps = new ArrayList<>(stage.size());
        for (Op op : stage) localOps.add(op.remap(toLocal));
        final int[] other = new int[n - local];
        for (int q = 0, k = 0; q < n; q++) if (toLocal[q] < 0) other[k++] = q;
        final long chunks = 1L << other.length;
        final int[] highOffsets = new int[1 << h];
        for (int hh = 0; hh < highOffsets.length; hh++) highOffsets[hh] = deposit(hh, high);
        final int blockLen = 1 << p;
        final double[] re = sv.re, im = sv.im;
        int t = (int) Math.min(threads, chunks);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < t; w++) {
            final long from = chunks * w / t, to = chunks * (w + 1) / t;
            tasks.add(() -> {
                double[] br = new double[1 << local], bi = new double[1 << local];
                for (long c = from; c < to; c++) {
                    int base = deposit((int) c, other);
                    for (int hh = 0; hh < highOffsets.length; hh++) {
                        int off = base | highOffsets[hh];
                        System.arraycopy(re, off, br, hh << p, blockLen);
                        System.arraycopy(im, off, bi, hh << p, blockLen);
                    }
                    for (Op op : localOps) Kernels.apply(op, br, bi, local);
                    for (int hh = 0; hh < highOffsets.length; hh++) {
                        int off = base | highOffsets[hh];
                        System.arraycopy(br, hh << p, re, off, blockLen);
                        System.arraycopy(bi, hh << p, im, off, blockLen);
                    }
                }
                return null;
            });
        }
        invoke(tasks);
    }

    private void invoke(List<? extends Callable<?>> tasks) {
        if (tasks.size() == 1) {
            try {
                tasks.get(0).call();
                return;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new QuantumException(e.toString(), e);
            }
        }
        try {
            List<Future<Object>> fs = new ArrayList<>();
            for (Callable<?> c : tasks) {
                @SuppressWarnings("unchecked") Callable<Object> co = (Callable<Object>) c;
                fs.add(pool.submit(co));
            }
            for (Future<Object> f : fs) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantumException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new QuantumException(String.valueOf(c), c);
        }
    }

    /** Places the bits of {@code value} at the given positions. */
    static int deposit(int value, int[] positions) {
        int r = 0;
        for (int i = 0; i < positions.length; i++) if ((value >>> i & 1) != 0) r |= 1 << positions[i];
        return r;
    }

    // ---- measurement -----------------------------------------------------------------------

    /** Probability that qubit q reads 1. */
    public double probabilityOne(StateVector sv, int q) {
        double p = 0;
        int s = 1 << q, len = 1 << sv.n;
        for (int b = s; b < len; b += 2 * s) {
            for (int i = b; i < b + s; i++) p += sv.re[i] * sv.re[i] + sv.im[i] * sv.im[i];
        }
        return p;
    }

    /** Projects qubit q onto {@code outcome} and renormalises. */
    public void collapse(StateVector sv, int q, int outcome, double probOfOutcome) {
        double norm = probOfOutcome > 0 ? 1.0 / Math.sqrt(probOfOutcome) : 0.0;
        int s = 1 << q, len = 1 << sv.n;
        for (int i = 0; i < len; i++) {
            if (((i >>> q) & 1) == outcome) { sv.re[i] *= norm; sv.im[i] *= norm; }
            else { sv.re[i] = 0; sv.im[i] = 0; }
        }
    }

    /**
     * Draws {@code shots} basis-state indices from |amplitude|^2, given {@code uniforms}
     * sorted ascending in [0,1); returns them in the same order.
     */
    public int[] sample(StateVector sv, double[] sortedUniforms) {
        int[] out = new int[sortedUniforms.length];
        int len = 1 << sv.n;
        double cum = 0, total = 0;
        for (int i = 0; i < len; i++) total += sv.re[i] * sv.re[i] + sv.im[i] * sv.im[i];
        int k = 0;
        int last = 0;
        for (int i = 0; i < len && k < out.length; i++) {
            double p = sv.re[i] * sv.re[i] + sv.im[i] * sv.im[i];
            if (p == 0) continue;
            last = i;
            cum += p / total;
            while (k < out.length && sortedUniforms[k] < cum) out[k++] = i;
        }
        while (k < out.length) out[k++] = last; // rounding at the very end
        return out;
    }

    // ---- expectation values ----------------------------------------------------------------------

    /** Exact expectation of a Pauli sum in the state. */
    public double expectation(StateVector sv, Observable obs) {
        if (obs.numQubits() != sv.n) {
            throw new QuantumException("observable acts on " + obs.numQubits() + " qubit(s) but the circuit has " + sv.n);
        }
        double sum = 0;
        for (Observable.Term t : obs.terms()) sum += t.coefficient() * pauliExpectation(sv, t);
        return sum;
    }

    double pauliExpectation(StateVector sv, Observable.Term term) {
        int x = 0, z = 0, ny = 0;
        for (int q = 0; q < sv.n; q++) {
            char c = term.pauliOn(q);
            if (c == 'X' || c == 'Y') x |= 1 << q;
            if (c == 'Z' || c == 'Y') z |= 1 << q;
            if (c == 'Y') ny++;
        }
        final int xm = x, zm = z;
        final double[] re = sv.re, im = sv.im;
        final int len = 1 << sv.n;
        int t = len >= (1 << 16) ? threads : 1;
        double[][] parts = new double[t][2];
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < t; w++) {
            final int from = (int) ((long) len * w / t), to = (int) ((long) len * (w + 1) / t);
            final double[] part = parts[w];
            tasks.add(() -> {
                double sr = 0, si = 0;
                if (xm == 0) {
                    for (int j = from; j < to; j++) {
                        double p = re[j] * re[j] + im[j] * im[j];
                        sr += (Integer.bitCount(j & zm) & 1) == 0 ? p : -p;
                    }
                } else {
                    for (int j = from; j < to; j++) {
                        int k = j ^ xm;
                        // conj(psi_k) * psi_j
                        double pr = re[k] * re[j] + im[k] * im[j];
                        double pi = re[k] * im[j] - im[k] * re[j];
                        if ((Integer.bitCount(j & zm) & 1) == 0) { sr += pr; si += pi; } else { sr -= pr; si -= pi; }
                    }
                }
                part[0] = sr;
                part[1] = si;
                return null;
            });
        }
        invoke(tasks);
        double sr = 0, si = 0;
        for (double[] p : parts) { sr += p[0]; si += p[1]; }
        // multiply by i^ny and take the real part
        switch (ny & 3) {
            case 0: return sr;
            case 1: return -si;
            case 2: return -sr;
            default: return si;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
