package ${package};

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Register;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.api.spi.BackendJob;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A quantum backend: runs reversible classical circuits (X and its controlled forms, SWAP,
 * diagonal gates that leave basis states alone, measure, reset, barrier) exactly, one bit
 * string per circuit. Replace {@link #run} with calls to your device or simulator. Registered
 * under {@code kumiki.quantum.backend.name} ({@link QuantumBackend#NAME}): {@code q:backends}
 * lists it and {@code q:run --backend NAME} sends circuits to it.
 */
@Component(configurationPid = ClassicalBackend.PID, property = QuantumBackend.NAME + "=" + ClassicalBackend.DEFAULT_NAME)
@Designate(ocd = ClassicalBackend.Config.class)
public class ClassicalBackend implements QuantumBackend {
    static final String PID = "${package}.backend";
    static final String DEFAULT_NAME = "classical";
    static final int MAX_SHOTS = 100_000;

    @ObjectClassDefinition(name = "Classical quantum backend", description = "Runs reversible classical circuits exactly")
    public @interface Config {
        @AttributeDefinition(description = "Backend name (kumiki.quantum.backend.name), unique among the backends")
        String kumiki_quantum_backend_name() default DEFAULT_NAME;
        @AttributeDefinition(description = "Most qubits a circuit may use", min = "1", max = "63")
        int qubits() default 63;
    }

    private final String name;
    private final int qubits;

    @Activate
    public ClassicalBackend(Config config) {
        if (config.qubits() < 1 || config.qubits() > 63) throw new IllegalArgumentException("qubits = " + config.qubits() + " is out of range [1, 63]");
        this.name = config.kumiki_quantum_backend_name();
        this.qubits = config.qubits();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TargetDTO target() {
        TargetDTO t = new TargetDTO();
        t.numQubits = qubits;
        t.basisGates = List.of("x", "swap", "id", "z", "s", "sdg", "t", "tdg", "rz", "p");
        t.maxShots = MAX_SHOTS;
        t.maxExperiments = 100;
        t.simulator = true;
        t.description = "reversible classical circuits, exact";
        return t;
    }

    @Override
    public QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs) {
        // validate at once, in the caller's thread: a bad circuit is one clear exception
        List<long[]> outcomes = new ArrayList<>();
        for (SamplerPub p : pubs) {
            if (p == null || p.circuit == null) throw new QuantumException("a PUB has no circuit");
            if (p.shots < 0 || p.shots > MAX_SHOTS) throw new QuantumException("shots = " + p.shots + " is out of range [0, " + MAX_SHOTS + "]");
            if (!p.circuit.parameters().isEmpty()) throw new QuantumException(name + " runs circuits without parameters; bind " + p.circuit.parameters() + " first");
            if (p.circuit.numQubits() > qubits) throw new QuantumException("the circuit has " + p.circuit.numQubits() + " qubits; " + name + " has " + qubits);
            if (p.circuit.numClbits() > 63) throw new QuantumException("the circuit has " + p.circuit.numClbits() + " classical bits; at most 63");
            outcomes.add(new long[] {run(p.circuit)});
        }
        BackendJob<List<SamplerPubResult>> job = new BackendJob<>(name);
        CompletableFuture.runAsync(() -> {
            job.running();
            List<SamplerPubResult> results = new ArrayList<>();
            for (int i = 0; i < pubs.size(); i++) results.add(result(pubs.get(i), outcomes.get(i)[0]));
            job.complete(results);
        });
        return job;
    }

    /** Runs one circuit; returns its classical bits (bit i = classical bit i). */
    static long run(QuantumCircuit c) {
        long q = 0;
        long clbits = 0;
        for (Instruction op : c.instructions()) {
            if (op.condition() != null) throw new QuantumException("conditioned operations are not supported: " + op);
            switch (op.kind()) {
                case BARRIER:
                    break;
                case RESET:
                    q &= ~(1L << op.qubit(0));
                    break;
                case MEASURE:
                    int cb = op.clbits()[0];
                    clbits = (clbits & ~(1L << cb)) | (((q >>> op.qubit(0)) & 1) << cb);
                    break;
                case GATE:
                    q = apply(op, q);
                    break;
                default:
                    throw new QuantumException("unsupported operation: " + op);
            }
        }
        return clbits;
    }

    private static long apply(Instruction op, long q) {
        int controls = op.numControls();
        for (int i = 0; i < controls; i++) {
            long want = (op.ctrlState() >>> i) & 1;
            if (((q >>> op.qubit(i)) & 1) != want) return q; // a control is not met
        }
        switch (op.gate()) {
            case X:
                return q ^ (1L << op.qubit(controls));
            case SWAP: {
                int a = op.qubit(controls);
                int b = op.qubit(controls + 1);
                long ba = (q >>> a) & 1;
                long bb = (q >>> b) & 1;
                return ba == bb ? q : q ^ ((1L << a) | (1L << b));
            }
            case ID: case Z: case S: case SDG: case T: case TDG: case RZ: case P: case GPHASE:
                return q; // diagonal: a basis state only gains a phase, which no measurement sees
            default:
                throw new QuantumException("gate " + op.gate().name().toLowerCase() + " makes superpositions; " + "this backend runs classical circuits only");
        }
    }

    private static SamplerPubResult result(SamplerPub p, long bits) {
        int shots = p.shots == 0 ? 1024 : p.shots;
        QuantumCircuit c = p.circuit;
        SampleDTO d = new SampleDTO();
        d.shots = shots;
        d.samples = new long[shots];
        java.util.Arrays.fill(d.samples, bits);
        d.counts = new TreeMap<>(Map.of(bitstring(bits, 0, c.numClbits()), shots));
        d.registers = new LinkedHashMap<>();
        for (Register r : c.cregs()) d.registers.put(r.name(), new TreeMap<>(Map.of(bitstring(bits, r.offset(), r.size()), shots)));
        SamplerPubResult r = new SamplerPubResult();
        r.data = List.of(d);
        r.metadata = new LinkedHashMap<>(Map.of("shots", shots, "simulator", "classical"));
        return r;
    }

    static String bitstring(long bits, int offset, int size) {
        StringBuilder sb = new StringBuilder(size);
        for (int i = offset + size - 1; i >= offset; i--) sb.append((bits >>> i & 1) != 0 ? '1' : '0');
        return sb.toString();
    }
}
