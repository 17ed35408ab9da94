package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;

/** Unit tests: the component is a plain object, built with {@code new}. */
class ClassicalBackendTest {
    final ClassicalBackend backend = new ClassicalBackend(config(8));

    @Test
    void runsAReversibleAdderBitExactly() throws Exception {
        // 1 + 1 with a half adder: sum = a xor b (q2), carry = a and b (q3, a Toffoli)
        QuantumCircuit c = new QuantumCircuit(4, 2);
        c.x(0).x(1);
        c.append(org.kumiki.quantum.api.Instruction.gate(org.kumiki.quantum.api.Gate.X, List.of(), 2, 0b11L, 0, 1, 3));
        c.append(org.kumiki.quantum.api.Instruction.gate(org.kumiki.quantum.api.Gate.X, List.of(), 1, 0b1L, 0, 2));
        c.append(org.kumiki.quantum.api.Instruction.gate(org.kumiki.quantum.api.Gate.X, List.of(), 1, 0b1L, 1, 2));
        c.append(org.kumiki.quantum.api.Instruction.measure(2, 0));
        c.append(org.kumiki.quantum.api.Instruction.measure(3, 1));
        List<SamplerPubResult> r = backend.sample(List.of(SamplerPub.of(c, 100))).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
        SampleDTO d = r.get(0).data.get(0);
        assertEquals(100, d.shots);
        assertEquals(java.util.Map.of("10", 100), d.counts); // carry 1, sum 0
    }

    @Test
    void refusesASuperpositionInOneLine() {
        QuantumCircuit c = new QuantumCircuit(1, 1);
        c.h(0);
        QuantumException e = assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(c, 10))));
        assertEquals("gate h makes superpositions; this backend runs classical circuits only", e.getMessage());
    }

    @Test
    void refusesOutOfRangeInput() {
        QuantumCircuit big = new QuantumCircuit(9, 1);
        assertEquals("the circuit has 9 qubits; classical has 8",
                assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(big, 10)))).getMessage());
        QuantumCircuit c = new QuantumCircuit(1, 1);
        assertEquals("shots = -1 is out of range [0, 100000]",
                assertThrows(QuantumException.class, () -> backend.sample(List.of(SamplerPub.of(c, -1)))).getMessage());
        assertEquals("qubits = 0 is out of range [1, 63]", assertThrows(IllegalArgumentException.class, () -> new ClassicalBackend(config(0))).getMessage());
    }

    static ClassicalBackend.Config config(int qubits) {
        return new ClassicalBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ClassicalBackend.Config.class; }
            @Override public String kumiki_quantum_backend_name() { return "classical"; }
            @Override public int qubits() { return qubits; }
        };
    }
}
