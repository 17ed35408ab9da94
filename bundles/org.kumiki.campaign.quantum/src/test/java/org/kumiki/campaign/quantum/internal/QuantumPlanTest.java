package org.kumiki.campaign.quantum.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class QuantumPlanTest {

    static final String QASM = "OPENQASM 3.0; include \"stdgates.inc\"; input float theta; qubit[2] q; ry(theta) q[0];";

    static String problem(Map<String, Object> options) {
        return assertThrows(QuantumPlan.Problem.class, () -> QuantumPlan.parse(options)).getMessage();
    }

    @Test
    void theH2MoleculeIsTheHamiltonianOfQVqeWithItsNuclearRepulsion() {
        QuantumPlan p = QuantumPlan.parse(Map.of("circuit", QASM, "molecule", "h2"));
        assertEquals(5, p.observable.terms().size());
        assertEquals(0.7199689944489797, p.offset, 1e-15);
        assertEquals("energy", p.objective);
        assertTrue(!p.vqe);
        QuantumPlan q = QuantumPlan.parse(Map.of("circuit", QASM, "observable", "0.5*ZI + XX", "offset", 1.0, "objective", "e"));
        assertEquals(1.0, q.offset);
        assertEquals("e", q.objective);
    }

    @Test
    void badOptionsAreOneLine() {
        assertEquals("option 'molecule': unknown molecule 'lih' (built in: h2)", problem(Map.of("circuit", QASM, "molecule", "lih")));
        assertEquals("option 'observable': a Pauli label is made of I, X, Y and Z, got 'AB'", problem(Map.of("circuit", QASM, "observable", "AB")));
        assertEquals("option 'observable' is missing: give a Pauli sum (\"-1.05*II + 0.18*XX\") or 'molecule: h2'", problem(Map.of("circuit", QASM)));
        assertEquals("give option 'observable' or option 'molecule', not both", problem(Map.of("circuit", QASM, "molecule", "h2", "observable", "ZZ")));
        assertEquals("option 'circuit' is missing: give an OpenQASM 3 program whose 'input float' parameters are campaign parameters",
                problem(Map.of("molecule", "h2")));
        assertEquals("option 'mode': unknown mode 'qaoa' (known: estimator, vqe)", problem(Map.of("mode", "qaoa", "molecule", "h2")));
        assertTrue(problem(Map.of("molecule", "h2", "circuit", QASM, "shots", 10)).startsWith("unknown option 'shots' (known: mode, circuit,"));
        assertEquals("option 'precision' must be a number >= 0, got -1", problem(Map.of("molecule", "h2", "circuit", QASM, "precision", -1)));
        assertEquals("option 'optimizer': unknown optimiser 'adam' (known: nelder-mead, bobyqa, spsa)",
                problem(Map.of("mode", "vqe", "molecule", "h2", "optimizer", "adam")));
        assertEquals("'reps' must be a whole number from 0 to 20, got 1.5", problem(Map.of("mode", "vqe", "molecule", "h2", "reps", 1.5)));
    }

    @Test
    void theCircuitsParametersComeFromThePoint() {
        assertArrayEquals(new double[] {0.5, 2.0}, QuantumPlan.bind(List.of("a", "b"), Map.of("b", 2L, "a", 0.5, "c", "x")));
        assertEquals("the circuit's parameter(s) [b] are not numeric campaign parameters (the point has: a)",
                assertThrows(QuantumPlan.Problem.class, () -> QuantumPlan.bind(List.of("a", "b"), Map.of("a", 0.5))).getMessage());
    }
}
