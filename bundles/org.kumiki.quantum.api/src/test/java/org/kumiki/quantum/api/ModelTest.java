package org.kumiki.quantum.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void anglesAreLinearExpressionsThatBind() {
        Angle a = Angle.param("theta").times(2).plus(Angle.param("phi")).plus(0.5);
        assertEquals(List.of("phi", "theta"), List.copyOf(a.parameters()));
        assertEquals("phi + 2.0*theta + 0.5", a.toString());
        Angle half = a.bind(Map.of("theta", 1.0));
        assertEquals(Angle.param("phi").plus(2.5), half);
        assertEquals(3.5, half.bind(Map.of("phi", 1.0)).value(), 0);
        assertThrows(IllegalStateException.class, a::value);
        assertThrows(IllegalArgumentException.class, () -> Angle.param("2bad"));
        assertThrows(IllegalArgumentException.class, () -> Angle.of(Double.NaN));
        assertEquals(Angle.ZERO, Angle.param("x").plus(Angle.param("x").negate()));
    }

    @Test
    void observablesParseAndValidate() {
        Observable o = Observable.parse("-1.05*II + 0.39 * IZ - 2e-3*ZZ + XX");
        assertEquals(4, o.terms().size());
        assertEquals(-0.002, o.terms().get(2).coefficient(), 1e-15);
        assertEquals(1.0, o.terms().get(3).coefficient());
        assertEquals('Z', o.terms().get(1).pauliOn(0));
        assertEquals('I', o.terms().get(1).pauliOn(1));
        assertThrows(IllegalArgumentException.class, () -> Observable.parse("XX + Z"));
        assertThrows(IllegalArgumentException.class, () -> Observable.parse("0.5*XQ"));
        assertThrows(IllegalArgumentException.class, () -> Observable.parse("abc*XX"));
        assertThrows(IllegalArgumentException.class, () -> Observable.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Observable.parse("XX ++ ZZ"));
    }

    @Test
    void circuitsCheckIndicesAndBindInParameterOrder() {
        QuantumCircuit c = new QuantumCircuit("t");
        c.addQubits("q", 2);
        c.addClbits("c", 2);
        assertThrows(IllegalArgumentException.class, () -> c.addQubits("c", 1));
        assertThrows(IllegalArgumentException.class, () -> c.h(2));
        assertThrows(IllegalArgumentException.class, () -> c.cx(1, 1));
        assertThrows(IllegalArgumentException.class, () -> c.measure(0, 5));
        assertThrows(IllegalArgumentException.class, () -> c.cIf("nope", 1, Instruction.gate(Gate.X, 0)));
        assertThrows(IllegalArgumentException.class, () -> c.cIf("c", 4, Instruction.gate(Gate.X, 0)));
        assertThrows(IllegalArgumentException.class, () -> Instruction.gate(Gate.RX, List.of(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Instruction.gate(Gate.X, List.of(), 1, 0));
        c.ry(Angle.param("b"), 0).rz(Angle.param("a"), 1).cx(0, 1).measureAll();
        assertEquals(List.of("a", "b"), c.parameters());
        QuantumCircuit bound = c.bind(1.0, 2.0);
        assertTrue(bound.parameters().isEmpty());
        assertEquals(2.0, bound.instructions().get(0).params().get(0).value());
        assertEquals(1.0, bound.instructions().get(1).params().get(0).value());
        assertThrows(IllegalArgumentException.class, () -> c.bind(1.0));
        assertEquals(c, c.copy());
    }
}
