package org.kumiki.quantum.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A quantum circuit: quantum and classical registers and an ordered list of
 * {@link Instruction instructions}. Qubit and bit indices are global (registers are laid out one
 * after the other). Build it with the fluent methods; {@link #bind} substitutes symbolic
 * parameters. Not thread-safe while being built.
 */
public final class QuantumCircuit {
    private final String name;
    private final List<Register> qregs = new ArrayList<>();
    private final List<Register> cregs = new ArrayList<>();
    private final List<Instruction> ops = new ArrayList<>();
    private int numQubits;
    private int numClbits;

    public QuantumCircuit(String name) {
        this.name = name == null ? "circuit" : name;
    }

    /** A circuit with one quantum register {@code q} and, when {@code clbits > 0}, one classical register {@code c}. */
    public QuantumCircuit(int qubits, int clbits) {
        this("circuit");
        if (qubits > 0) addQubits("q", qubits);
        if (clbits > 0) addClbits("c", clbits);
    }

    public String name() { return name; }

    public Register addQubits(String name, int size) {
        checkNewName(name);
        Register r = new Register(name, size, numQubits, true);
        qregs.add(r);
        numQubits += size;
        return r;
    }

    public Register addClbits(String name, int size) {
        checkNewName(name);
        Register r = new Register(name, size, numClbits, false);
        cregs.add(r);
        numClbits += size;
        return r;
    }

    private void checkNewName(String n) {
        if (qreg(n) != null || creg(n) != null) throw new IllegalArgumentException("register '" + n + "' already declared");
    }

    public List<Register> qregs() { return Collections.unmodifiableList(qregs); }
    public List<Register> cregs() { return Collections.unmodifiableList(cregs); }

    public Register qreg(String n) {
        for (Register r : qregs) if (r.name().equals(n)) return r;
        return null;
    }

    public Register creg(String n) {
        for (Register r : cregs) if (r.name().equals(n)) return r;
        return null;
    }

    public int numQubits() { return numQubits; }
    public int numClbits() { return numClbits; }
    public List<Instruction> instructions() { return Collections.unmodifiableList(ops); }
    public int size() { return ops.size(); }

    /** Appends an instruction after checking its indices against the registers. */
    public QuantumCircuit append(Instruction op) {
        Objects.requireNonNull(op, "instruction");
        for (int q : op.qubits()) {
            if (q >= numQubits) throw new IllegalArgumentException("qubit " + q + " out of range: the circuit has " + numQubits + " qubit(s)");
        }
        for (int c : op.clbits()) {
            if (c >= numClbits) throw new IllegalArgumentException("bit " + c + " out of range: the circuit has " + numClbits + " bit(s)");
        }
        if (op.condition() != null) {
            for (int c : op.condition().clbits()) {
                if (c >= numClbits) throw new IllegalArgumentException("condition bit " + c + " out of range: the circuit has " + numClbits + " bit(s)");
            }
        }
        ops.add(op);
        return this;
    }

    public QuantumCircuit appendAll(Iterable<Instruction> list) {
        for (Instruction i : list) append(i);
        return this;
    }

    /** Names of the symbolic parameters, sorted (the column order of PUB parameter values). */
    public List<String> parameters() {
        Set<String> s = new TreeSet<>();
        for (Instruction i : ops) for (Angle a : i.params()) s.addAll(a.parameters());
        return new ArrayList<>(s);
    }

    /** A copy with the given parameters substituted. */
    public QuantumCircuit bind(Map<String, Double> values) {
        QuantumCircuit c = emptyCopy();
        for (Instruction i : ops) {
            if (!i.isParameterized()) { c.ops.add(i); continue; }
            List<Angle> p = new ArrayList<>();
            for (Angle a : i.params()) p.add(a.bind(values));
            c.ops.add(i.withParams(p));
        }
        return c;
    }

    /** Binds values in the order of {@link #parameters()}. */
    public QuantumCircuit bind(double... values) {
        List<String> names = parameters();
        if (values == null) values = new double[0];
        if (values.length != names.size()) {
            throw new IllegalArgumentException("the circuit has " + names.size() + " parameter(s) " + names + ", got " + values.length + " value(s)");
        }
        Map<String, Double> m = new HashMap<>();
        for (int k = 0; k < values.length; k++) m.put(names.get(k), values[k]);
        return bind(m);
    }

    /** Same registers, no instructions. */
    public QuantumCircuit emptyCopy() {
        QuantumCircuit c = new QuantumCircuit(name);
        c.qregs.addAll(qregs);
        c.cregs.addAll(cregs);
        c.numQubits = numQubits;
        c.numClbits = numClbits;
        return c;
    }

    public QuantumCircuit copy() {
        QuantumCircuit c = emptyCopy();
        c.ops.addAll(ops);
        return c;
    }

    // ---- fluent builders -------------------------------------------------------------------

    public QuantumCircuit gate(Gate g, int... qubits) { return append(Instruction.gate(g, qubits)); }
    public QuantumCircuit gate(Gate g, Angle a, int... qubits) { return append(Instruction.gate(g, List.of(a), 0, qubits)); }
    public QuantumCircuit id(int q) { return gate(Gate.ID, q); }
    public QuantumCircuit x(int q) { return gate(Gate.X, q); }
    public QuantumCircuit y(int q) { return gate(Gate.Y, q); }
    public QuantumCircuit z(int q) { return gate(Gate.Z, q); }
    public QuantumCircuit h(int q) { return gate(Gate.H, q); }
    public QuantumCircuit s(int q) { return gate(Gate.S, q); }
    public QuantumCircuit sdg(int q) { return gate(Gate.SDG, q); }
    public QuantumCircuit t(int q) { return gate(Gate.T, q); }
    public QuantumCircuit tdg(int q) { return gate(Gate.TDG, q); }
    public QuantumCircuit sx(int q) { return gate(Gate.SX, q); }
    public QuantumCircuit rx(double theta, int q) { return gate(Gate.RX, Angle.of(theta), q); }
    public QuantumCircuit ry(double theta, int q) { return gate(Gate.RY, Angle.of(theta), q); }
    public QuantumCircuit rz(double theta, int q) { return gate(Gate.RZ, Angle.of(theta), q); }
    public QuantumCircuit rx(Angle theta, int q) { return gate(Gate.RX, theta, q); }
    public QuantumCircuit ry(Angle theta, int q) { return gate(Gate.RY, theta, q); }
    public QuantumCircuit rz(Angle theta, int q) { return gate(Gate.RZ, theta, q); }
    public QuantumCircuit p(double lambda, int q) { return gate(Gate.P, Angle.of(lambda), q); }
    public QuantumCircuit u(double theta, double phi, double lambda, int q) {
        return append(Instruction.gate(Gate.U, List.of(Angle.of(theta), Angle.of(phi), Angle.of(lambda)), 0, q));
    }
    public QuantumCircuit cx(int c, int t) { return append(Instruction.gate(Gate.X, List.of(), 1, c, t)); }
    public QuantumCircuit cy(int c, int t) { return append(Instruction.gate(Gate.Y, List.of(), 1, c, t)); }
    public QuantumCircuit cz(int c, int t) { return append(Instruction.gate(Gate.Z, List.of(), 1, c, t)); }
    public QuantumCircuit ch(int c, int t) { return append(Instruction.gate(Gate.H, List.of(), 1, c, t)); }
    public QuantumCircuit cp(double lambda, int c, int t) { return append(Instruction.gate(Gate.P, List.of(Angle.of(lambda)), 1, c, t)); }
    public QuantumCircuit crz(double theta, int c, int t) { return append(Instruction.gate(Gate.RZ, List.of(Angle.of(theta)), 1, c, t)); }
    public QuantumCircuit ccx(int c1, int c2, int t) { return append(Instruction.gate(Gate.X, List.of(), 2, c1, c2, t)); }
    public QuantumCircuit ccz(int c1, int c2, int t) { return append(Instruction.gate(Gate.Z, List.of(), 2, c1, c2, t)); }
    public QuantumCircuit cswap(int c, int a, int b) { return append(Instruction.gate(Gate.SWAP, List.of(), 1, c, a, b)); }
    public QuantumCircuit swap(int a, int b) { return gate(Gate.SWAP, a, b); }
    public QuantumCircuit rzz(double theta, int a, int b) { return append(Instruction.gate(Gate.RZZ, List.of(Angle.of(theta)), 0, a, b)); }
    public QuantumCircuit rzz(Angle theta, int a, int b) { return append(Instruction.gate(Gate.RZZ, List.of(theta), 0, a, b)); }
    public QuantumCircuit mcx(int[] controls, int target) {
        int[] q = new int[controls.length + 1];
        System.arraycopy(controls, 0, q, 0, controls.length);
        q[controls.length] = target;
        return append(Instruction.gate(Gate.X, List.of(), controls.length, q));
    }
    public QuantumCircuit measure(int q, int c) { return append(Instruction.measure(q, c)); }
    /** Measures qubit i into bit i for every qubit (needs at least as many bits). */
    public QuantumCircuit measureAll() {
        for (int q = 0; q < numQubits; q++) measure(q, q);
        return this;
    }
    public QuantumCircuit reset(int q) { return append(Instruction.reset(q)); }
    public QuantumCircuit barrier(int... q) { return append(Instruction.barrier(q)); }
    public QuantumCircuit barrier() {
        int[] all = new int[numQubits];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return append(Instruction.barrier(all));
    }
    /** Appends {@code op} applied only when classical register {@code reg} holds {@code value}. */
    public QuantumCircuit cIf(String reg, long value, Instruction op) {
        Register r = creg(reg);
        if (r == null) throw new IllegalArgumentException("no classical register '" + reg + "'");
        int[] bits = new int[r.size()];
        for (int i = 0; i < bits.length; i++) bits[i] = r.index(i);
        return append(op.withCondition(new Condition(reg, bits, value)));
    }
    /** Appends {@code op} applied only when bit {@code clbit} holds {@code value} (0 or 1). */
    public QuantumCircuit cIfBit(int clbit, int value, Instruction op) {
        return append(op.withCondition(new Condition(null, new int[] {clbit}, value)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantumCircuit c && c.qregs.equals(qregs) && c.cregs.equals(cregs) && c.ops.equals(ops);
    }

    @Override
    public int hashCode() { return Objects.hash(qregs, cregs, ops); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(numQubits).append(" qubit(s), ").append(numClbits).append(" bit(s)\n");
        for (Instruction i : ops) sb.append("  ").append(i).append('\n');
        return sb.toString();
    }
}
