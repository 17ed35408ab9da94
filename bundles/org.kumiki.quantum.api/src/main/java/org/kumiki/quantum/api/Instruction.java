package org.kumiki.quantum.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One operation of a circuit. For a {@link Kind#GATE}, {@code qubits} lists the control qubits
 * first ({@link #numControls()} of them) and then the gate's targets; control i is active on
 * |1&gt; when bit i of {@link #ctrlState()} is set and on |0&gt; otherwise ({@code negctrl}).
 * A {@link Kind#MEASURE} has one classical bit per qubit. Immutable.
 */
public final class Instruction {
    public enum Kind { GATE, MEASURE, RESET, BARRIER }

    private final Kind kind;
    private final Gate gate;
    private final List<Angle> params;
    private final int[] qubits;
    private final int numControls;
    private final long ctrlState;
    private final int[] clbits;
    private final Condition condition;

    private Instruction(Kind kind, Gate gate, List<Angle> params, int[] qubits, int numControls, long ctrlState, int[] clbits, Condition condition) {
        this.kind = kind;
        this.gate = gate;
        this.params = List.copyOf(params);
        this.qubits = qubits.clone();
        this.numControls = numControls;
        this.ctrlState = ctrlState;
        this.clbits = clbits.clone();
        this.condition = condition;
        for (int i = 0; i < qubits.length; i++) {
            if (qubits[i] < 0) throw new IllegalArgumentException("negative qubit index " + qubits[i]);
            for (int j = 0; j < i; j++) {
                if (qubits[i] == qubits[j] && kind != Kind.BARRIER) throw new IllegalArgumentException("qubit " + qubits[i] + " used twice in one " + describeName());
            }
        }
    }

    /** A gate with {@code numControls} controls (all active on |1&gt;) followed by its targets. */
    public static Instruction gate(Gate gate, List<Angle> params, int numControls, int... qubits) {
        return gate(gate, params, numControls, numControls >= 63 ? -1L : (1L << numControls) - 1, qubits);
    }

    public static Instruction gate(Gate gate, List<Angle> params, int numControls, long ctrlState, int... qubits) {
        Objects.requireNonNull(gate, "gate");
        if (params.size() != gate.params()) throw new IllegalArgumentException(gate.qasmName() + " takes " + gate.params() + " parameter(s), got " + params.size());
        if (numControls < 0 || numControls > 62) throw new IllegalArgumentException("between 0 and 62 controls, got " + numControls);
        if (qubits.length != numControls + gate.qubits()) {
            throw new IllegalArgumentException(gate.qasmName() + " with " + numControls + " control(s) acts on " + (numControls + gate.qubits()) + " qubit(s), got " + qubits.length);
        }
        if (gate.qubits() == 0 && numControls == 0 && qubits.length != 0) throw new IllegalArgumentException("gphase acts on no qubit");
        long mask = numControls == 0 ? 0 : (1L << numControls) - 1;
        return new Instruction(Kind.GATE, gate, params, qubits, numControls, ctrlState & mask, new int[0], null);
    }

    public static Instruction gate(Gate gate, int... qubits) {
        return gate(gate, List.of(), 0, qubits);
    }

    public static Instruction measure(int qubit, int clbit) {
        if (clbit < 0) throw new IllegalArgumentException("negative bit index " + clbit);
        return new Instruction(Kind.MEASURE, null, List.of(), new int[] {qubit}, 0, 0, new int[] {clbit}, null);
    }

    public static Instruction reset(int qubit) {
        return new Instruction(Kind.RESET, null, List.of(), new int[] {qubit}, 0, 0, new int[0], null);
    }

    public static Instruction barrier(int... qubits) {
        return new Instruction(Kind.BARRIER, null, List.of(), qubits, 0, 0, new int[0], null);
    }

    /** The same operation, applied only when {@code condition} holds. */
    public Instruction withCondition(Condition condition) {
        if (kind == Kind.BARRIER && condition != null) throw new IllegalArgumentException("a barrier cannot be conditioned");
        return new Instruction(kind, gate, params, qubits, numControls, ctrlState, clbits, condition);
    }

    public Instruction withParams(List<Angle> params) {
        return new Instruction(kind, gate, params, qubits, numControls, ctrlState, clbits, condition);
    }

    public Kind kind() { return kind; }
    /** The base gate, or null for measure, reset and barrier. */
    public Gate gate() { return gate; }
    public List<Angle> params() { return params; }
    public int[] qubits() { return qubits.clone(); }
    public int qubit(int i) { return qubits[i]; }
    public int numQubits() { return qubits.length; }
    public int numControls() { return numControls; }
    public long ctrlState() { return ctrlState; }
    public int[] clbits() { return clbits.clone(); }
    public Condition condition() { return condition; }

    public boolean isParameterized() {
        for (Angle a : params) if (!a.isNumeric()) return true;
        return false;
    }

    private String describeName() {
        return kind == Kind.GATE ? (gate == null ? "gate" : gate.qasmName()) : kind.name().toLowerCase();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instruction i && i.kind == kind && i.gate == gate && i.params.equals(params) && Arrays.equals(i.qubits, qubits)
                && i.numControls == numControls && i.ctrlState == ctrlState && Arrays.equals(i.clbits, clbits) && Objects.equals(i.condition, condition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, gate, params, Arrays.hashCode(qubits), numControls, ctrlState, Arrays.hashCode(clbits), condition);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (condition != null) sb.append("if(").append(condition).append(") ");
        sb.append(describeName());
        if (numControls > 0) sb.append("[c").append(numControls).append(ctrlState != (1L << numControls) - 1 ? ",state=" + ctrlState : "").append(']');
        if (!params.isEmpty()) sb.append(params);
        sb.append(' ').append(Arrays.toString(qubits));
        if (clbits.length > 0) sb.append("->").append(Arrays.toString(clbits));
        return sb.toString();
    }
}
