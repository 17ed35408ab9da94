import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.statevector.internal.CircuitRunner;
import org.kumiki.quantum.statevector.internal.Simulator;
import org.kumiki.quantum.statevector.internal.StateVector;

/**
 * Kumiki's state-vector simulator on the benchmark circuit (H on all qubits, then 5 layers of
 * CNOT chain on even pairs, odd pairs, RZ on all, RX on all), and a triad kernel
 * (a[i] = b[i] + s*c[i]) measuring memory bandwidth in the same process, right before each size.
 * Prints one line per size: qubits gates seconds amps/s triadGB/s floorSeconds time/floor.
 */
public class KumikiBench {
    static QuantumCircuit circuit(int n, int layers) {
        QuantumCircuit c = new QuantumCircuit(n, 0);
        for (int q = 0; q < n; q++) c.h(q);
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q + 1 < n; q += 2) c.cx(q, q + 1);
            for (int q = 1; q + 1 < n; q += 2) c.cx(q, q + 1);
            for (int q = 0; q < n; q++) c.rz(0.1 * (q + 1), q);
            for (int q = 0; q < n; q++) c.rx(0.2 * (q + 1), q);
        }
        return c;
    }

    /** Best of 5 passes of a multi-threaded triad over three 2^25-double arrays (256 MiB each); bytes = 24 per element. */
    static double triadGBs(int threads) throws Exception {
        final int len = 1 << 25;
        final double[] a = new double[len], b = new double[len], c = new double[len];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // first touch in parallel
            run(pool, threads, len, (from, to) -> { for (int i = from; i < to; i++) { b[i] = i; c[i] = 1.0 / (i + 1); } });
            double best = 0;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                run(pool, threads, len, (from, to) -> { final double s = 3.0; for (int i = from; i < to; i++) a[i] = b[i] + s * c[i]; });
                double sec = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 24.0 * len / sec / 1e9);
            }
            if (a[len / 2] == 42) System.out.print(""); // keep a alive
            return best;
        } finally {
            pool.shutdownNow();
        }
    }

    interface Range { void run(int from, int to); }

    static void run(ExecutorService pool, int t, int len, Range r) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < t; w++) {
            final int from = (int) ((long) len * w / t), to = (int) ((long) len * (w + 1) / t);
            fs.add(pool.submit(() -> r.run(from, to)));
        }
        for (Future<?> f : fs) f.get();
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        int reps = Integer.getInteger("reps", 3);
        boolean fuse = !Boolean.getBoolean("nofusion");
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) sizes.add(Integer.parseInt(a));
        int block = Integer.getInteger("block", 16), low = Integer.getInteger("low", 6);
        try (Simulator sim = new Simulator(threads, 0, block, low)) {
            CircuitRunner runner = new CircuitRunner(sim, fuse);
            // JIT warm-up
            for (int i = 0; i < 3; i++) runner.finalState(circuit(18, 5));
            System.out.println("# threads=" + threads + " fusion=" + fuse + " block=" + block + " low=" + low + " java=" + System.getProperty("java.version"));
            System.out.println("# qubits gates best_s median_s amps_per_s triad_GBps floor_s best/floor");
            for (int n : sizes) {
                QuantumCircuit c = circuit(n, 5);
                double triad = triadGBs(threads);
                double[] t = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    StateVector sv = runner.finalState(c);
                    t[r] = (System.nanoTime() - t0) / 1e9;
                    if (sv.probability(0) < 0) System.out.print("");
                }
                java.util.Arrays.sort(t);
                int gates = c.size();
                double amps = (double) gates * (1L << n) / t[0];
                double floor = gates * 32.0 * (1L << n) / (triad * 1e9);
                System.out.printf("%d %d %.4f %.4f %.3e %.2f %.4f %.3f%n", n, gates, t[0], t[reps / 2], amps, triad, floor, t[0] / floor);
            }
        }
    }
}
