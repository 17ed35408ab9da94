package org.kumiki.quantum.qasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QasmVersion;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;

class QasmCodecTest {
    final QasmCodecImpl codec = new QasmCodecImpl();

    static final String BELL2 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n";

    static final String TELEPORT3 = """
            OPENQASM 3.0;
            include "stdgates.inc";
            input float theta;
            qubit[3] q;
            bit m0;
            bit m1;
            bit[1] out;
            ry(2*theta + pi/4) q[0];
            h q[1];
            cx q[1], q[2];
            cx q[0], q[1];
            h q[0];
            m0[0] = measure q[0];
            measure q[1] -> m1[0];
            if (m1 == 1) x q[2];
            if (m0[0]) { z q[2]; }
            reset q[0];
            barrier q;
            out = measure q[2];
            """;

    @Test
    void readsOpenQasm2WithBroadcastMeasure() {
        QuantumCircuit c = codec.parse(BELL2);
        assertEquals(2, c.numQubits());
        assertEquals(2, c.numClbits());
        List<Instruction> ops = c.instructions();
        assertEquals(4, ops.size());
        assertEquals(Gate.H, ops.get(0).gate());
        assertEquals(Gate.X, ops.get(1).gate());
        assertEquals(1, ops.get(1).numControls());
        assertEquals(Instruction.measure(1, 1), ops.get(3));
    }

    @Test
    void readsOpenQasm3WithParametersConditionsAndBothMeasureForms() {
        QuantumCircuit c = codec.parse(TELEPORT3);
        assertEquals(List.of("theta"), c.parameters());
        Instruction ry = c.instructions().get(0);
        assertEquals(Angle.param("theta").times(2).plus(Math.PI / 4), ry.params().get(0));
        long conds = c.instructions().stream().filter(i -> i.condition() != null).count();
        assertEquals(2, conds);
        Instruction ifz = c.instructions().stream().filter(i -> i.gate() == Gate.Z).findFirst().orElseThrow();
        assertNull(ifz.condition().register());
        assertEquals(1, ifz.condition().value());
        assertEquals(Instruction.Kind.RESET, c.instructions().get(9).kind());
        assertEquals(Instruction.Kind.BARRIER, c.instructions().get(10).kind());
    }

    @Test
    void roundTripsOpenQasm3AndOpenQasm2() {
        for (String src : List.of(TELEPORT3, BELL2, GATES3)) {
            QuantumCircuit c = codec.parse(src);
            String out = codec.export(c, QasmVersion.V3);
            assertEquals(c, codec.parse(out), out);
            assertEquals(out, codec.export(codec.parse(out), QasmVersion.V3));
        }
        QuantumCircuit bell = codec.parse(BELL2);
        String two = codec.export(bell, QasmVersion.V2);
        assertTrue(two.startsWith("OPENQASM 2.0;"), two);
        assertEquals(bell, codec.parse(two));
        QuantumCircuit bound = codec.parse(TELEPORT3).bind(Map.of("theta", 0.3));
        String v2 = codec.export(withoutBitConditions(bound), QasmVersion.V2);
        assertEquals(withoutBitConditions(bound), codec.parse(v2));
    }

    static QuantumCircuit withoutBitConditions(QuantumCircuit c) {
        QuantumCircuit r = c.emptyCopy();
        for (Instruction i : c.instructions()) {
            if (i.condition() != null && i.condition().register() == null) continue;
            r.append(i);
        }
        return r;
    }

    static final String GATES3 = """
            OPENQASM 3;
            include "stdgates.inc";
            gate majority a, b, c { cx c, b; cx c, a; ccx a, b, c; }
            gate rot(t) a { rz(t/2) a; rx(-t) a; }
            qubit[4] q;
            bit[4] c;
            majority q[0], q[1], q[2];
            rot(0.5) q[3];
            inv @ rot(0.5) q[3];
            ctrl @ rot(1.0) q[0], q[3];
            negctrl @ h q[1], q[2];
            ctrl(2) @ x q[0], q[1], q[3];
            negctrl @ ctrl @ rz(0.25) q[0], q[1], q[2];
            pow(2) @ s q[0];
            pow(0.5) @ z q[1];
            pow(-1) @ t q[2];
            inv @ s q[3];
            cu(0.1, 0.2, 0.3, 0.4) q[0], q[1];
            u2(0.1, 0.2) q[2];
            crz(pi/8) q[2], q[3];
            cswap q[0], q[1], q[2];
            rzz(0.3) q[1], q[2];
            rxx(0.2) q[0], q[3];
            ryy(0.1) q[0], q[1];
            sx q[0]; sxdg q[1]; id q[2];
            U(1, 2, 3) q[0];
            gphase(0.5);
            ctrl @ gphase(0.25) q[3];
            c = measure q;
            """;

    @Test
    void expandsDefinitionsAndModifiers() {
        QuantumCircuit c = codec.parse(GATES3);
        List<Instruction> ops = c.instructions();
        // majority: cx c,b; cx c,a; ccx a,b,c
        assertEquals(Instruction.gate(Gate.X, List.of(), 1, 2, 1), ops.get(0));
        assertEquals(Instruction.gate(Gate.X, List.of(), 2, 0, 1, 2), ops.get(2));
        // rot(0.5) then inv: reversed and negated
        assertEquals(Instruction.gate(Gate.RZ, List.of(Angle.of(0.25)), 0, 3), ops.get(3));
        assertEquals(Instruction.gate(Gate.RX, List.of(Angle.of(-0.5)), 0, 3), ops.get(4));
        assertEquals(Instruction.gate(Gate.RX, List.of(Angle.of(0.5)), 0, 3), ops.get(5));
        assertEquals(Instruction.gate(Gate.RZ, List.of(Angle.of(-0.25)), 0, 3), ops.get(6));
        // ctrl @ rot: both controlled
        assertEquals(Instruction.gate(Gate.RZ, List.of(Angle.of(0.5)), 1, 0, 3), ops.get(7));
        // negctrl @ h
        assertEquals(Instruction.gate(Gate.H, List.of(), 1, 0L, 1, 2), ops.get(9));
        // negctrl @ ctrl @ rz: first control negative, second positive
        assertEquals(Instruction.gate(Gate.RZ, List.of(Angle.of(0.25)), 2, 0b10L, 0, 1, 2), ops.get(11));
        // pow(2) @ s = s s ; pow(0.5) @ z = p(pi/2); pow(-1) @ t = tdg
        assertEquals(Gate.S, ops.get(12).gate());
        assertEquals(Gate.S, ops.get(13).gate());
        assertEquals(Instruction.gate(Gate.P, List.of(Angle.of(Math.PI / 2)), 0, 1), ops.get(14));
        assertEquals(Gate.TDG, ops.get(15).gate());
        assertEquals(Gate.SDG, ops.get(16).gate());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "OPENQASM 3;\\nqubit[2] q;\\nh q[2];|3|5|out of range",
            "OPENQASM 3;\\nqubit q;\\nfoo q;|3|1|unknown gate 'foo'",
            "OPENQASM 3;\\nqubit[2] q;\\ncx q[0];|3|4|takes 2 qubit argument",
            "OPENQASM 3;\\nqubit[2] q;\\nh q[0]|3|7|expected ';'",
            "OPENQASM 2.0;\\nqreg q[1];\\nrx(theta) q[0];|3|4|unknown identifier 'theta'",
            "OPENQASM 4.0;|1|10|unsupported OpenQASM version",
            "OPENQASM 3;\\nqubit[2] q;\\nbit[1] c;\\nmeasure q -> c;|4|11|as many bits as qubits",
            "OPENQASM 3;\\ninclude \"evil.inc\";|2|9|only qelib1.inc and stdgates.inc",
            "OPENQASM 3;\\nqubit[2] q;\\ncx q[0], q[0];|3|4|qubit used twice",
            "OPENQASM 3;\\nqubit q;\\nfor int i in [0:3] { h q; }|3|1|not supported",
            "OPENQASM 3;\\nqubit q;\\n/* unterminated|3|1|unterminated comment",
            "OPENQASM 3;\\nqubit q;\\nqubit q;|3|7|already declared",
            "OPENQASM 3;\\ninput float a;\\ninput float b;\\nqubit q;\\nrz(a*b) q;|5|5|linear",
            "OPENQASM 3;\\nqubit q;\\npow(0.3) @ h q;|3|1|integer exponent",
            "OPENQASM 3;\\ngate g a { g a; }\\nqubit q;\\ng q;|2|12|cannot call itself",
            "OPENQASM 3;\\nqubit q;\\nrz(1/0) q;|3|5|division by zero",
            "OPENQASM 3;\\nqubit q;\\nh q; § x;|3|6|unexpected character",
            "OPENQASM 3;\\nqubit[2] q;\\nbit[2] c;\\nif (c == 4) x q[0];|4|11|does not fit",
            "OPENQASM 2.0;\\nqreg q[2];\\nctrl @ x q[0], q[1];|3|1|need OpenQASM 3",
            "OPENQASM 3;\\nqubit q;\\nrx(0.1, 0.2) q;|3|1|takes 1 parameter",
            "OPENQASM 3;\\ngate g a { measure a; }\\nqubit q;\\ng q;|2|12|not allowed in a gate body",
            "OPENQASM 3;\\nqubit[1] q;\\nh $0;|3|3|physical qubits",
            "h q;|1|3|unknown qubit register 'q'",
    })
    void malformedProgramsGiveLineAndColumn(String text, int line, int col, String message) {
        String src = text.replace("\\n", "\n");
        QasmException e = assertThrows(QasmException.class, () -> codec.parse(src));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(col, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith(line + ":" + col + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace");
    }

    /** OpenQASM's own phase-estimation example (pea_3*pi/8 v3): it defines its own parameterless cu. */
    static final String PEA_3_PI_8 = """
            // Name of Experiment: pea_3*pi/8 v3
            OPENQASM 2.0;
            include "qelib1.inc";
            qreg q[5];
            creg c[4];
            gate cu1fixed (a) c,t {
            u1 (-a) t;
            cx c,t;
            u1 (a) t;
            cx c,t;
            }
            gate cu c,t {
            cu1fixed (3*pi/8) c,t;
            }
            h q[0];
            h q[1];
            h q[2];
            h q[3];
            cu q[3],q[4];
            cu q[2],q[4];
            cu q[2],q[4];
            cu q[1],q[4];
            cu q[1],q[4];
            cu q[1],q[4];
            cu q[1],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            cu q[0],q[4];
            h q[0];
            cu1(-pi/2) q[0],q[1];
            h q[1];
            cu1(-pi/4) q[0],q[2];
            cu1(-pi/2) q[1],q[2];
            h q[2];
            cu1(-pi/8) q[0],q[3];
            cu1(-pi/4) q[1],q[3];
            cu1(-pi/2) q[2],q[3];
            h q[3];
            measure q[0] -> c[0];
            measure q[1] -> c[1];
            measure q[2] -> c[2];
            measure q[3] -> c[3];
            """;

    @Test
    void aPublishedPhaseEstimationWithItsOwnCuGateReads() {
        QuantumCircuit c = codec.parse(PEA_3_PI_8);
        List<Instruction> ops = c.instructions();
        // 4 h, 15 cu of 4 instructions each, 6 cu1, 4 h, 4 measure
        assertEquals(4 + 15 * 4 + 6 + 4 + 4, ops.size());
        double a = 3 * Math.PI / 8;
        assertEquals(Instruction.gate(Gate.P, List.of(Angle.of(-a)), 0, 4), ops.get(4));
        assertEquals(Instruction.gate(Gate.X, List.of(), 1, 3, 4), ops.get(5));
        assertEquals(Instruction.gate(Gate.P, List.of(Angle.of(a)), 0, 4), ops.get(6));
        assertEquals(Instruction.gate(Gate.X, List.of(), 1, 3, 4), ops.get(7));
        // the library's cu (four parameters) is still there for programs that do not define one
        QuantumCircuit lib = codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncu(0.1,0.2,0.3,0.4) q[0],q[1];\n");
        assertEquals(2, lib.instructions().size());
        // and a call before the definition means the library gate
        QuantumCircuit before = codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncu(0.1,0.2,0.3,0.4) q[0],q[1];\n"
                + "gate cu c,t { cx c,t; }\ncu q[0],q[1];\n");
        assertEquals(3, before.instructions().size());
        assertEquals(Instruction.gate(Gate.X, List.of(), 1, 0, 1), before.instructions().get(2));
    }

    @Test
    void aDefinitionWinsOverTheLibraryGateOfTheSameName() {
        QuantumCircuit c = codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg m[2];\nh q[1];\ngate h a { x a; }\nh q[0];\nmeasure q -> m;\n");
        assertEquals(Instruction.gate(Gate.H, List.of(), 0, 1), c.instructions().get(0), "before the definition: the library's h");
        assertEquals(Instruction.gate(Gate.X, List.of(), 0, 0), c.instructions().get(1), "after it: the program's h");
        // a body sees the gates defined before it, not a later definition of the same name
        QuantumCircuit lex = codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ngate prep a { h a; }\ngate h a { x a; }\nprep q[0];\nh q[0];\n");
        assertEquals(List.of(Gate.H, Gate.X), lex.instructions().stream().map(Instruction::gate).toList());
        // OpenQASM 3 without stdgates.inc: nothing declares h, so the program's h is the h
        QuantumCircuit three = codec.parse("OPENQASM 3;\ngate h a { x a; }\nqubit q;\nh q;\n");
        assertEquals(Gate.X, three.instructions().get(0).gate());
        // OpenQASM 3 with stdgates.inc: a gate it declares cannot be declared again
        QasmException dup = assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\ninclude \"stdgates.inc\";\ngate h a { x a; }\n"));
        assertEquals(3, dup.line());
        assertEquals(6, dup.column());
        assertTrue(dup.reason().contains("already declared by stdgates.inc"), dup.getMessage());
        QasmException late = assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\ngate h a { x a; }\ninclude \"stdgates.inc\";\n"));
        assertEquals(3, late.line());
        assertTrue(late.reason().contains("already defined at 2:6"), late.getMessage());
        // a gate stdgates.inc does not declare (rzz is qelib1's) may be defined, and wins
        QuantumCircuit rzz = codec.parse("OPENQASM 3;\ninclude \"stdgates.inc\";\ngate rzz(t) a, b { cx a, b; }\nqubit[2] q;\nrzz(0.5) q[0], q[1];\n");
        assertEquals(List.of(Instruction.gate(Gate.X, List.of(), 1, 0, 1)), rzz.instructions());
        // the languages' own gates cannot be redefined
        for (String src : List.of("OPENQASM 2.0;\ngate U(a,b,c) q { }\n", "OPENQASM 2.0;\ngate CX a, b { }\n", "OPENQASM 3;\ngate U(a,b,c) q { }\n",
                "OPENQASM 3;\ngate gphase(a) q { }\n")) {
            QasmException e = assertThrows(QasmException.class, () -> codec.parse(src), src);
            assertEquals(2, e.line());
            assertEquals(6, e.column());
            assertTrue(e.reason().contains("cannot be redefined"), e.getMessage());
        }
        // two definitions of one name
        QasmException twice = assertThrows(QasmException.class, () -> codec.parse("OPENQASM 2.0;\ngate g a { }\ngate g a { }\n"));
        assertEquals("3:6: gate 'g' is already defined at 2:6", twice.getMessage());
        // OpenQASM 2 knows qelib1.inc's gates only: ryy and ccz are OpenQASM 3 gates of the model
        assertTrue(assertThrows(QasmException.class, () -> codec.parse("OPENQASM 2.0;\nqreg q[2];\nryy(0.1) q[0],q[1];\n")).reason().contains("unknown gate 'ryy'"));
        assertEquals(Gate.RX, codec.parse("OPENQASM 2.0;\nqreg q[2];\ngate ryy(t) a,b { rx(t) a; }\nryy(0.1) q[0],q[1];\n").instructions().get(0).gate());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // found when the definition is read, even if the gate is never called
            "OPENQASM 3;\\ngate g a {\\n  foo a;\\n}\\nqubit q;|3|3|unknown gate 'foo'",
            "OPENQASM 3;\\ngate g(t) a {\\n  rx(t, t) a;\\n}\\nqubit q;|3|3|takes 1 parameter",
            "OPENQASM 3;\\ngate g a, b {\\n  cx a, c;\\n}|3|9|unknown qubit argument 'c'",
            "OPENQASM 3;\\ngate g a, b {\\n  cx a, a;\\n}|3|6|qubit used twice",
            "OPENQASM 3;\\ngate g a {\\n  h a\\n}|4|1|expected ';'",
            "OPENQASM 3;\\ngate g a {\\n  rx(u) a;\\n}|3|6|unknown identifier 'u'",
            "OPENQASM 3;\\ngate g a {\\n  later a;\\n}\\ngate later a { x a; }|3|3|unknown gate 'later'",
            "OPENQASM 2.0;\\ninclude \"qelib1.inc\";\\ngate cu c,t {\\n  cu1fixed(3*pi/8) c,t;\\n}|4|3|unknown gate 'cu1fixed'",
            "OPENQASM 3;\\ngate g(t) a {\\n  pow(0.3) @ h a;\\n}\\nqubit q;\\ng(1) q;|3|3|integer exponent",
            "OPENQASM 3;\\ngate g a, a { }|2|11|repeated in the arguments",
            // found when a call's values are known: points into the body, names the call
            "OPENQASM 3;\\ninput float x;\\ngate g(t) a {\\n  rx(sin(t)) a;\\n}\\nqubit q;\\ng(0.5) q;\\ng(x) q;|4|6|(in gate g called at 8:1)",
            "OPENQASM 3;\\ninput float x;\\ngate g(t) a {\\n  rx(t * t) a;\\n}\\nqubit q;\\ng(x) q;|4|8|linear",
    })
    void errorsInAGateBodyPointIntoTheBody(String text, int line, int col, String message) {
        String src = text.replace("\\n", "\n");
        QasmException e = assertThrows(QasmException.class, () -> codec.parse(src));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(col, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void deepChainsOfDefinitionsStopAtTheNestingLimit() {
        StringBuilder sb = new StringBuilder("OPENQASM 3;\nqubit q;\ngate g0 a { x a; }\n");
        for (int i = 1; i <= 70; i++) sb.append("gate g").append(i).append(" a { g").append(i - 1).append(" a; }\n");
        sb.append("g70 q;\n");
        QasmException e = assertThrows(QasmException.class, () -> codec.parse(sb.toString()));
        assertTrue(e.getMessage().contains("nest too deeply"), e.getMessage());
        assertTrue(e.getMessage().contains("called at 74:1"), e.getMessage());
    }

    @Test
    void hostileInputIsRefusedCleanly() {
        assertThrows(QasmException.class, () -> codec.parse(null));
        // billion-laughs style pow blow-up
        StringBuilder sb = new StringBuilder("OPENQASM 3;\nqubit[2] q;\ngate g0 a, b { cx a, b; }\n");
        for (int i = 1; i < 30; i++) sb.append("gate g").append(i).append(" a, b { g").append(i - 1).append(" a, b; g").append(i - 1).append(" a, b; }\n");
        sb.append("g29 q[0], q[1];\n");
        QasmException e = assertThrows(QasmException.class, () -> codec.parse(sb.toString()));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
        // deeply nested parentheses
        String deep = "OPENQASM 3;\nqubit q;\nrz(" + "(".repeat(100_000) + "1" + ")".repeat(100_000) + ") q;";
        assertThrows(QasmException.class, () -> codec.parse(deep));
        assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\nqubit[99999999999] q;"));
        assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\nqubit[0] q;"));
        assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\nqubit[2000000] q;"));
        assertThrows(QasmException.class, () -> codec.parse("\0\0\0"));
    }

    @Test
    void exportRefusesWhatOpenQasm2CannotSay() {
        QuantumCircuit c = new QuantumCircuit(3, 0).rx(Angle.param("a"), 0);
        assertThrows(QuantumException.class, () -> codec.export(c, QasmVersion.V2));
        QuantumCircuit neg = new QuantumCircuit(2, 0).append(Instruction.gate(Gate.X, List.of(), 1, 0L, 0, 1));
        assertThrows(QuantumException.class, () -> codec.export(neg, QasmVersion.V2));
        String v3 = codec.export(neg, QasmVersion.V3);
        assertTrue(v3.contains("negctrl @ x q[0], q[1];"), v3);
        assertEquals(neg, codec.parse(v3));
    }

    @Test
    void exportsControlledGatesByTheirStandardNames() {
        QuantumCircuit c = new QuantumCircuit(3, 0).cx(0, 1).ccx(0, 1, 2).cp(0.5, 1, 2).cswap(0, 1, 2);
        String s = codec.export(c, QasmVersion.V3);
        assertTrue(s.contains("cx q[0], q[1];") && s.contains("ccx q[0], q[1], q[2];") && s.contains("cp(0.5) q[1], q[2];") && s.contains("cswap q[0], q[1], q[2];"), s);
        String s2 = codec.export(c, QasmVersion.V2);
        assertTrue(s2.contains("cu1(0.5) q[1], q[2];"), s2);
        assertEquals(c, codec.parse(s2));
    }
}
