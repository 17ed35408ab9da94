package org.kumiki.quantum.statevector.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.kumiki.quantum.api.Condition;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.Register;
import org.kumiki.quantum.api.dto.SampleDTO;

/** Runs bound circuits on a {@link Simulator}: sampling (static or dynamic circuits) and exact expectations. */
public final class CircuitRunner {
    private final Simulator sim;
    private final boolean fuse;

    public CircuitRunner(Simulator sim, boolean fuse) {
        this.sim = sim;
        this.fuse = fuse;
    }

    public Simulator simulator() { return sim; }

    /**
     * Whether every measurement can be deferred to the end: no condition, no reset after a
     * qubit was used, no gate on a qubit after it was measured.
     */
    public static boolean isStatic(QuantumCircuit c) {
        boolean[] used = new boolean[c.numQubits()];
        boolean[] measured = new boolean[c.numQubits()];
        for (Instruction in : c.instructions()) {
            if (in.condition() != null) return false;
            switch (in.kind()) {
                case RESET:
                    if (used[in.qubit(0)]) return false;
                    break;
                case MEASURE:
                    measured[in.qubit(0)] = true;
                    used[in.qubit(0)] = true;
                    break;
                case GATE:
                    for (int q : in.qubits()) {
                        if (measured[q]) return false;
                        used[q] = true;
                    }
                    break;
                default:
                    break;
            }
        }
        return true;
    }

    /** The final state of a circuit without mid-circuit measurement (measurements are ignored). */
    public StateVector finalState(QuantumCircuit c) {
        if (!isStatic(c)) throw new QuantumException("this needs a circuit without mid-circuit measurement, reset or conditions");
        List<Instruction> gates = new ArrayList<>();
        for (Instruction in : c.instructions()) if (in.kind() == Instruction.Kind.GATE) gates.add(in);
        List<Op> ops = Compiler.compile(gates, c.numQubits(), fuse);
        StateVector sv = sim.allocate(c.numQubits());
        sim.run(sv, ops);
        return sv;
    }

    public double[] expectations(QuantumCircuit c, List<Observable> observables) {
        for (Observable o : observables) {
            if (o.numQubits() != c.numQubits()) {
                throw new QuantumException("observable '" + o + "' acts on " + o.numQubits() + " qubit(s) but the circuit has " + c.numQubits());
            }
        }
        StateVector sv = finalState(c);
        double[] r = new double[observables.size()];
        for (int i = 0; i < r.length; i++) r[i] = sim.expectation(sv, observables.get(i));
        return r;
    }

    public SampleDTO sample(QuantumCircuit c, int shots, SplittableRandom rnd) {
        if (c.numClbits() == 0) throw new QuantumException("the circuit has no classical bits: add measurements to sample it");
        if (c.numClbits() > 63) throw new QuantumException("at most 63 classical bits can be sampled, the circuit has " + c.numClbits());
        long[] samples = isStatic(c) ? sampleStatic(c, shots, rnd) : sampleDynamic(c, shots, rnd);
        return toDTO(c, samples);
    }

    private long[] sampleStatic(QuantumCircuit c, int shots, SplittableRandom rnd) {
        StateVector sv = finalState(c);
        List<int[]> meas = new ArrayList<>(); // {qubit, clbit}
        for (Instruction in : c.instructions()) {
            if (in.kind() == Instruction.Kind.MEASURE) meas.add(new int[] {in.qubit(0), in.clbits()[0]});
        }
        double[] u = new double[shots];
        for (int i = 0; i < shots; i++) u[i] = rnd.nextDouble();
        Arrays.sort(u);
        int[] idx = sim.sample(sv, u);
        long[] out = new long[shots];
        for (int s = 0; s < shots; s++) {
            long bits = 0;
            for (int[] m : meas) {
                long b = (idx[s] >>> m[0]) & 1;
                bits = (bits & ~(1L << m[1])) | (b << m[1]);
            }
            out[s] = bits;
        }
        // shuffle: sorted uniforms give sorted outcomes
        for (int i = shots - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = out[i]; out[i] = out[j]; out[j] = t;
        }
        return out;
    }

    private long[] sampleDynamic(QuantumCircuit c, int shots, SplittableRandom rnd) {
        List<Instruction> ins = c.instructions();
        int prefix = 0;
        while (prefix < ins.size() && ins.get(prefix).kind() != Instruction.Kind.MEASURE && ins.get(prefix).kind() != Instruction.Kind.RESET
                && ins.get(prefix).condition() == null) prefix++;
        StateVector start = sim.allocate(c.numQubits());
        sim.run(start, Compiler.compile(ins.subList(0, prefix), c.numQubits(), fuse));
        Map<Integer, List<Op>> compiled = new HashMap<>();
        long[] out = new long[shots];
        for (int s = 0; s < shots; s++) {
            StateVector sv = new StateVector(start);
            long bits = 0;
            for (int i = prefix; i < ins.size(); i++) {
                Instruction in = ins.get(i);
                Condition cond = in.condition();
                if (cond != null && !holds(cond, bits)) continue;
                switch (in.kind()) {
                    case GATE: {
                        List<Op> ops = compiled.computeIfAbsent(i, k -> Compiler.compile(List.of(in.withCondition(null)), c.numQubits(), fuse));
                        sim.run(sv, ops);
                        break;
                    }
                    case MEASURE: {
                        int q = in.qubit(0);
                        double p1 = sim.probabilityOne(sv, q);
                        int outcome = rnd.nextDouble() < p1 ? 1 : 0;
                        sim.collapse(sv, q, outcome, outcome == 1 ? p1 : 1 - p1);
                        int cb = in.clbits()[0];
                        bits = (bits & ~(1L << cb)) | ((long) outcome << cb);
                        break;
                    }
                    case RESET: {
                        int q = in.qubit(0);
                        double p1 = sim.probabilityOne(sv, q);
                        int outcome = rnd.nextDouble() < p1 ? 1 : 0;
                        sim.collapse(sv, q, outcome, outcome == 1 ? p1 : 1 - p1);
                        if (outcome == 1) Kernels.permX(q, sv.re, sv.im, sv.n);
                        break;
                    }
                    default:
                        break;
                }
            }
            out[s] = bits;
        }
        return out;
    }

    static boolean holds(Condition c, long bits) {
        int[] cb = c.clbits();
        long v = 0;
        for (int i = 0; i < cb.length; i++) v |= ((bits >>> cb[i]) & 1) << i;
        return v == c.value();
    }

    static SampleDTO toDTO(QuantumCircuit c, long[] samples) {
        SampleDTO d = new SampleDTO();
        d.shots = samples.length;
        d.samples = samples;
        Map<Long, Integer> raw = new HashMap<>();
        for (long s : samples) raw.merge(s, 1, Integer::sum);
        d.counts = new TreeMap<>();
        d.registers = new LinkedHashMap<>();
        for (Register r : c.cregs()) d.registers.put(r.name(), new TreeMap<>());
        for (Map.Entry<Long, Integer> e : raw.entrySet()) {
            d.counts.merge(bitstring(e.getKey(), 0, c.numClbits()), e.getValue(), Integer::sum);
            for (Register r : c.cregs()) {
                d.registers.get(r.name()).merge(bitstring(e.getKey(), r.offset(), r.size()), e.getValue(), Integer::sum);
            }
        }
        return d;
    }

    static String bitstring(long bits, int offset, int size) {
        StringBuilder sb = new StringBuilder(size);
        for (int i = offset + size - 1; i >= offset; i--) sb.append((bits >>> i & 1) != 0 ? '1' : '0');
        return sb.toString();
    }
}
