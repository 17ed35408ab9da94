package org.kumiki.simulation.md.internal;

import java.util.Locale;

/**
 * The in.lj benchmark on the embedded engine, outside OSGi:
 * {@code java -cp md.jar:api.jar org.kumiki.simulation.md.internal.Benchmark [repeats] [threads...]}.
 * Prints one line per run: threads, loop seconds, atom-steps/s, and the step-100 thermo.
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int[] threads = new int[Math.max(1, args.length - 1)];
        threads[0] = 1;
        for (int i = 1; i < args.length; i++) {
            threads[i - 1] = Integer.parseInt(args[i]);
        }
        for (int r = 0; r < repeats; r++) {
            for (int t : threads) {
                Atoms a = Atoms.fcc(0.8442, 20, 20, 20);
                a.createVelocities(1.44, 87287);
                MdParameters p = new MdParameters();
                p.neighborEvery = 20;
                p.neighborCheck = false;
                p.steps = 100;
                p.threads = t;
                double[] last = new double[4];
                try (MdIntegrator md = new MdIntegrator(a, p)) {
                    md.run((step, temp, epair, etotal, press) -> {
                        last[0] = temp;
                        last[1] = epair;
                        last[2] = etotal;
                        last[3] = press;
                    });
                    System.out.printf(Locale.ROOT, "md repeat=%d threads=%d loop_s=%.4f atom_steps_per_s=%.6g T=%.7f Epair=%.7f Etot=%.7f P=%.7f%n",
                        r, t, md.loopSeconds(), a.n * 100.0 / md.loopSeconds(), last[0], last[1], last[2], last[3]);
                }
            }
        }
    }
}
