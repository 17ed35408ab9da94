package org.kumiki.quantum.statevector.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.CircuitTooLargeException;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;

class SimulatorTest {
    static Simulator sim;
    static CircuitRunner runner;

    @BeforeAll
    static void setUp() {
        sim = new Simulator(2, 0);
        runner = new CircuitRunner(sim, true);
    }

    @AfterAll
    static void tearDown() {
        sim.close();
    }

    static final double EPS = 1e-12;

    @Test
    void bellStateIsExact() {
        QuantumCircuit c = new QuantumCircuit(2, 2).h(0).cx(0, 1);
        StateVector sv = runner.finalState(c);
        assertEquals(Math.sqrt(0.5), sv.re(0), EPS);
        assertEquals(0, sv.re(1), EPS);
        assertEquals(0, sv.re(2), EPS);
        assertEquals(Math.sqrt(0.5), sv.re(3), EPS);
        c.measureAll();
        SampleDTO d = runner.sample(c, 4000, new SplittableRandom(1));
        assertEquals(2, d.counts.size(), d.counts.toString());
        assertTrue(d.counts.containsKey("00") && d.counts.containsKey("11"));
        assertEquals(4000, d.counts.get("00") + d.counts.get("11"));
        assertTrue(Math.abs(d.counts.get("00") - 2000) < 200, d.counts.toString());
    }

    @Test
    void ghzStateIsExact() {
        int n = 6;
        QuantumCircuit c = new QuantumCircuit(n, n).h(0);
        for (int i = 0; i < n - 1; i++) c.cx(i, i + 1);
        StateVector sv = runner.finalState(c);
        for (int i = 0; i < (1 << n); i++) {
            double expected = (i == 0 || i == (1 << n) - 1) ? 0.5 : 0.0;
            assertEquals(expected, sv.probability(i), EPS, "amplitude " + i);
        }
        c.measureAll();
        SampleDTO d = runner.sample(c, 500, new SplittableRandom(3));
        assertEquals(Map.of("000000", d.counts.get("000000"), "111111", d.counts.get("111111")), d.counts);
    }

    /** Teleports ry(theta)|0> from q0 to q2 with mid-circuit measurements and classically conditioned corrections. */
    static QuantumCircuit teleport(double theta) {
        QuantumCircuit c = new QuantumCircuit("teleport");
        c.addQubits("q", 3);
        c.addClbits("m0", 1);
        c.addClbits("m1", 1);
        c.addClbits("out", 1);
        c.ry(theta, 0);
        c.h(1).cx(1, 2);
        c.cx(0, 1).h(0);
        c.measure(0, 0).measure(1, 1);
        c.cIf("m1", 1, Instruction.gate(Gate.X, 2));
        c.cIf("m0", 1, Instruction.gate(Gate.Z, 2));
        c.measure(2, 2);
        return c;
    }

    @Test
    void teleportationIsExact() {
        assertTrue(!CircuitRunner.isStatic(teleport(0)));
        SampleDTO one = runner.sample(teleport(Math.PI), 300, new SplittableRandom(5));
        assertEquals(Map.of("1", 300), one.registers.get("out"));
        SampleDTO zero = runner.sample(teleport(0), 300, new SplittableRandom(5));
        assertEquals(Map.of("0", 300), zero.registers.get("out"));
        // all four correction branches were taken
        assertEquals(4, one.counts.keySet().stream().map(k -> k.substring(1)).distinct().count(), one.counts.toString());
        double theta = 1.1, p1 = Math.pow(Math.sin(theta / 2), 2);
        SampleDTO d = runner.sample(teleport(theta), 4000, new SplittableRandom(9));
        double f = d.registers.get("out").getOrDefault("1", 0) / 4000.0;
        assertEquals(p1, f, 5 * Math.sqrt(p1 * (1 - p1) / 4000));
    }

    @Test
    void groverOnThreeQubitsFindsTheMarkedState() {
        int marked = 0b101;
        QuantumCircuit c = new QuantumCircuit(3, 3);
        for (int q = 0; q < 3; q++) c.h(q);
        for (int it = 0; it < 2; it++) {
            // oracle: phase flip |101>
            c.x(1).ccz(0, 1, 2).x(1);
            // diffusion
            for (int q = 0; q < 3; q++) c.h(q).x(q);
            c.ccz(0, 1, 2);
            for (int q = 0; q < 3; q++) c.x(q).h(q);
        }
        StateVector sv = runner.finalState(c);
        assertEquals(0.9453125, sv.probability(marked), EPS);
        for (int i = 0; i < 8; i++) if (i != marked) assertEquals(0.0078125, sv.probability(i), EPS);
    }

    static QuantumCircuit qft(int n) {
        QuantumCircuit c = new QuantumCircuit(n, 0);
        for (int j = n - 1; j >= 0; j--) {
            c.h(j);
            for (int k = j - 1; k >= 0; k--) c.cp(Math.PI / (1 << (j - k)), k, j);
        }
        for (int i = 0; i < n / 2; i++) c.swap(i, n - 1 - i);
        return c;
    }

    @Test
    void qftOfABasisStateHasTheTextbookPhases() {
        int n = 5, x = 11, N = 1 << n;
        QuantumCircuit c = new QuantumCircuit(n, 0);
        for (int q = 0; q < n; q++) if ((x >> q & 1) != 0) c.x(q);
        for (Instruction in : qft(n).instructions()) c.append(in);
        StateVector sv = runner.finalState(c);
        for (int k = 0; k < N; k++) {
            double ang = 2 * Math.PI * x * k / N;
            assertEquals(Math.cos(ang) / Math.sqrt(N), sv.re(k), 1e-12, "re " + k);
            assertEquals(Math.sin(ang) / Math.sqrt(N), sv.im(k), 1e-12, "im " + k);
        }
    }

    static QuantumCircuit random(int n, int gates, long seed) {
        Random r = new Random(seed);
        QuantumCircuit c = new QuantumCircuit(n, 0);
        for (int q = 0; q < n; q++) c.h(q);
        for (int i = 0; i < gates; i++) {
            int a = r.nextInt(n), b = (a + 1 + r.nextInt(n - 1)) % n, d = r.nextInt(n);
            switch (r.nextInt(13)) {
                case 0: c.cx(a, b); break;
                case 1: c.rz(r.nextDouble() * 6, a); break;
                case 2: c.rx(r.nextDouble() * 6, a); break;
                case 3: c.u(r.nextDouble(), r.nextDouble(), r.nextDouble(), a); break;
                case 4: c.cz(a, b); break;
                case 5: c.swap(a, b); break;
                case 6: c.rzz(r.nextDouble(), a, b); break;
                case 7: if (d != a && d != b) c.ccx(a, b, d); else c.t(a); break;
                case 8: c.append(Instruction.gate(Gate.RXX, List.of(Angle.of(r.nextDouble())), 0, a, b)); break;
                case 9: c.append(Instruction.gate(Gate.RY, List.of(Angle.of(r.nextDouble())), 1, 0L, a, b)); break;
                case 10: c.append(Instruction.gate(Gate.GPHASE, List.of(Angle.of(r.nextDouble())), 1, a)); break;
                case 11: c.append(Instruction.gate(Gate.X, List.of(), 1, 0L, a, b)); break;
                default: c.sx(a); c.y(b); break;
            }
        }
        return c;
    }

    @Test
    void cacheBlockedStagesMatchTheDirectKernels() {
        for (int n : new int[] {7, 9, 11}) {
            QuantumCircuit c = random(n, 300, n);
            StateVector direct;
            try (Simulator plain = new Simulator(1, 0, 24, 4)) {
                direct = new CircuitRunner(plain, false).finalState(c);
            }
            try (Simulator blocked = new Simulator(3, 0, 5, 2)) {
                StateVector staged = new CircuitRunner(blocked, true).finalState(c);
                for (int i = 0; i < (1 << n); i++) {
                    assertEquals(direct.re(i), staged.re(i), 1e-10, "n=" + n + " re " + i);
                    assertEquals(direct.im(i), staged.im(i), 1e-10, "n=" + n + " im " + i);
                }
            }
        }
    }

    @Test
    void stagedRunOnTheBenchmarkCircuitAt18QubitsKeepsTheNormAndMatches() {
        int n = 18;
        QuantumCircuit c = new QuantumCircuit(n, 0);
        for (int q = 0; q < n; q++) c.h(q);
        for (int l = 0; l < 2; l++) {
            for (int q = 0; q + 1 < n; q += 2) c.cx(q, q + 1);
            for (int q = 1; q + 1 < n; q += 2) c.cx(q, q + 1);
            for (int q = 0; q < n; q++) c.rz(0.1 * (q + 1), q);
            for (int q = 0; q < n; q++) c.rx(0.2 * (q + 1), q);
        }
        StateVector a = runner.finalState(c);
        StateVector b;
        try (Simulator plain = new Simulator(1, 0, 24, 4)) {
            b = new CircuitRunner(plain, false).finalState(c);
        }
        double norm = 0;
        for (int i = 0; i < (1 << n); i++) {
            norm += a.probability(i);
            assertEquals(b.re(i), a.re(i), 1e-10);
            assertEquals(b.im(i), a.im(i), 1e-10);
        }
        assertEquals(1.0, norm, 1e-9);
    }

    /** Dense reference: <psi|P|psi> from explicit single-qubit matrices. */
    static double reference(StateVector sv, String label) {
        int n = sv.numQubits();
        double[] re = new double[1 << n], im = new double[1 << n];
        for (int i = 0; i < re.length; i++) { re[i] = sv.re(i); im[i] = sv.im(i); }
        for (int q = 0; q < n; q++) {
            char p = label.charAt(n - 1 - q);
            for (int i = 0; i < re.length; i++) {
                if ((i >> q & 1) != 0) continue;
                int j = i | (1 << q);
                double ar = re[i], ai = im[i], br = re[j], bi = im[j];
                switch (p) {
                    case 'X': re[i] = br; im[i] = bi; re[j] = ar; im[j] = ai; break;
                    case 'Y': re[i] = bi; im[i] = -br; re[j] = -ai; im[j] = ar; break;
                    case 'Z': re[j] = -br; im[j] = -bi; break;
                    default: break;
                }
            }
        }
        double s = 0;
        for (int i = 0; i < re.length; i++) s += sv.re(i) * re[i] + sv.im(i) * im[i];
        return s;
    }

    @Test
    void pauliExpectationsMatchADenseReference() {
        QuantumCircuit c = random(5, 60, 42);
        StateVector sv = runner.finalState(c);
        Random r = new Random(1);
        for (int t = 0; t < 40; t++) {
            StringBuilder sb = new StringBuilder();
            for (int q = 0; q < 5; q++) sb.append("IXYZ".charAt(r.nextInt(4)));
            String label = sb.toString();
            assertEquals(reference(sv, label), sim.expectation(sv, Observable.of(label)), 1e-12, label);
        }
        QuantumCircuit bell = new QuantumCircuit(2, 0).h(0).cx(0, 1);
        StateVector b = runner.finalState(bell);
        assertEquals(1.0, sim.expectation(b, Observable.of("XX")), EPS);
        assertEquals(-1.0, sim.expectation(b, Observable.of("YY")), EPS);
        assertEquals(1.0, sim.expectation(b, Observable.of("ZZ")), EPS);
        assertEquals(0.0, sim.expectation(b, Observable.of("ZI")), EPS);
        assertEquals(2.5, sim.expectation(b, Observable.parse("2*ZZ + 0.5*XX - 0*IZ")), EPS);
    }

    @Test
    void refusesTooLargeCircuitsBeforeAllocating() {
        CircuitTooLargeException e = assertThrows(CircuitTooLargeException.class, () -> sim.allocate(31));
        assertTrue(e.getMessage().contains("31 qubits"), e.getMessage());
        assertEquals(31, e.requestedQubits());
        // heap limit: more than the test JVM's heap (<= 24 GiB machine) is refused without allocating
        long max = Runtime.getRuntime().maxMemory();
        int tooMany = 64 - Long.numberOfLeadingZeros(max) - 3; // 16 * 2^n > max
        if (tooMany <= Simulator.ARRAY_LIMIT_QUBITS) {
            CircuitTooLargeException h = assertThrows(CircuitTooLargeException.class, () -> sim.allocate(tooMany));
            assertTrue(h.getMessage().contains("heap"), h.getMessage());
        }
        assertTrue(sim.maxQubits() >= 20 && sim.maxQubits() < tooMany, "max " + sim.maxQubits());
        try (Simulator capped = new Simulator(1, 12)) {
            assertThrows(CircuitTooLargeException.class, () -> capped.checkFits(13));
            capped.checkFits(12);
        }
    }

    @Test
    void unboundParametersAreRejected() {
        QuantumCircuit c = new QuantumCircuit(1, 1).rx(Angle.param("theta"), 0);
        QuantumException e = assertThrows(QuantumException.class, () -> runner.finalState(c));
        assertTrue(e.getMessage().contains("theta"), e.getMessage());
        StateVector sv = runner.finalState(c.bind(Math.PI));
        assertEquals(1.0, sv.probability(1), EPS);
    }

    @Test
    void resetAndConditionsWork() {
        QuantumCircuit c = new QuantumCircuit(2, 2);
        c.x(0).reset(0).measure(0, 0); // always 0
        c.x(1).measure(1, 1);
        c.cIfBit(1, 1, Instruction.gate(Gate.X, 0));
        c.append(Instruction.measure(0, 0));
        SampleDTO d = runner.sample(c, 50, new SplittableRandom(1));
        assertEquals(Map.of("11", 50), d.counts);
    }

    static StatevectorBackend.Config config(int maxQubits) {
        return new StatevectorBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return StatevectorBackend.Config.class; }
            @Override public int threads() { return 2; }
            @Override public int maxQubits() { return maxQubits; }
            @Override public boolean fusion() { return true; }
            @Override public int maxShots() { return 100_000; }
        };
    }

    @Test
    void backendRunsPubsAsJobsAndValidatesInput() throws Exception {
        StatevectorBackend b = new StatevectorBackend(config(16));
        try {
            QuantumCircuit c = new QuantumCircuit(1, 1).ry(Angle.param("a"), 0).measure(0, 0);
            SamplerPub pub = SamplerPub.of(c, 1000);
            pub.parameterValues = new double[][] {{0}, {Math.PI}};
            pub.seed = 3L;
            var job = b.sample(List.of(pub));
            List<SamplerPubResult> r = job.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(JobStatus.DONE, job.status());
            assertTrue(job.id().startsWith("qjob-"));
            assertEquals(Map.of("0", 1000), r.get(0).data.get(0).counts);
            assertEquals(Map.of("1", 1000), r.get(0).data.get(1).counts);

            EstimatorPub ep = EstimatorPub.of(new QuantumCircuit(2, 0).h(0).cx(0, 1), Observable.of("ZZ"), Observable.of("XI"));
            List<EstimatorPubResult> er = b.estimate(List.of(ep)).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(1.0, er.get(0).evs[0][0], EPS);
            assertEquals(0.0, er.get(0).evs[0][1], EPS);

            assertThrows(CircuitTooLargeException.class, () -> b.sample(List.of(SamplerPub.of(new QuantumCircuit(17, 1).measure(0, 0), 10))));
            assertThrows(QuantumException.class, () -> b.sample(List.of(SamplerPub.of(new QuantumCircuit(1, 1).measure(0, 0), -5))));
            assertThrows(QuantumException.class, () -> b.sample(List.of(SamplerPub.of(new QuantumCircuit(1, 1).measure(0, 0), 100_001))));
            assertThrows(QuantumException.class, () -> b.sample(List.of(SamplerPub.of(new QuantumCircuit(1, 0).h(0), 10))));
            assertThrows(QuantumException.class, () -> b.sample(List.of(SamplerPub.of(c, 10)))); // no parameter values
            SamplerPub wrong = SamplerPub.of(c, 10);
            wrong.parameterValues = new double[][] {{1, 2}};
            assertThrows(IllegalArgumentException.class, () -> b.sample(List.of(wrong)));
            SamplerPub nan = SamplerPub.of(c, 10);
            nan.parameterValues = new double[][] {{Double.NaN}};
            assertThrows(QuantumException.class, () -> b.sample(List.of(nan)));
            assertThrows(QuantumException.class, () -> b.estimate(List.of(EstimatorPub.of(new QuantumCircuit(2, 0), Observable.of("Z")))));
            assertThrows(QuantumException.class, () -> b.sample(List.of()));
            assertTrue(b.target().simulator);
            assertEquals(16, b.target().numQubits);
        } finally {
            b.close();
        }
    }
}
