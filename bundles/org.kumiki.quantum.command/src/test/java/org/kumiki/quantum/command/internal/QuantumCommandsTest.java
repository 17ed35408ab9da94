package org.kumiki.quantum.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.quantum.algorithms.internal.QaoaService;
import org.kumiki.quantum.algorithms.internal.VqeService;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.internal.EstimatorService;
import org.kumiki.quantum.internal.QuantumCore;
import org.kumiki.quantum.internal.SamplerService;
import org.kumiki.quantum.qasm.internal.QasmCodecImpl;
import org.kumiki.quantum.statevector.internal.StatevectorBackend;

class QuantumCommandsTest {
    static StatevectorBackend sv;
    static QuantumCommands cmd;

    @BeforeAll
    static void setUp() {
        sv = new StatevectorBackend(1, 20, true, 1_000_000);
        QuantumCore core = new QuantumCore();
        core.add(sv, 100);
        cmd = new QuantumCommands(core, new SamplerService(core), new QasmCodecImpl());
        cmd.vqe = new VqeService(new EstimatorService(core));
        cmd.qaoa = new QaoaService(new EstimatorService(core), new SamplerService(core));
    }

    @AfterAll
    static void tearDown() { sv.close(); }

    @Test
    void listsBackends() {
        String out = cmd.backends();
        assertTrue(out.contains("statevector") && out.contains("simulator") && out.contains("*"), out);
    }

    @Test
    void runsAQasmFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ghz.qasm");
        Files.writeString(f, "OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit[3] q;\nbit[3] c;\nh q[0];\ncx q[0], q[1];\ncx q[1], q[2];\nc = measure q;\n");
        String out = cmd.run("1000", "", "7", "", f.toString());
        assertTrue(out.contains("000") && out.contains("111") && out.contains("1000 shots"), out);
        assertTrue(!out.contains("001") && !out.contains("110 "), out);
        assertTrue(out.contains("on statevector"), out);

        Path p = dir.resolve("param.qasm");
        Files.writeString(p, "OPENQASM 3;\ninput float theta;\nqubit q;\nbit c;\nrx(theta) q;\nc = measure q;\n");
        String one = cmd.run("200", "statevector", "1", "theta=3.141592653589793", p.toString());
        assertTrue(one.matches("(?s).*\\n1\\s+200\\s+1\\.0000.*"), one);
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "", p.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "phi=1", p.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "theta=abc", p.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "theta=1,theta=2", p.toString()));
    }

    @Test
    void badInputGivesOneLineErrors(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.qasm");
        Files.writeString(bad, "OPENQASM 3;\nqubit q;\nbit c;\nhh q;\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "", bad.toString()));
        assertTrue(e.getMessage().startsWith(bad + ":4:1: unknown gate 'hh'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cmd.run("0", "", "", "", bad.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("-3", "", "", "", bad.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("lots", "", "", "", bad.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "", dir.resolve("missing.qasm").toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "", dir.toString()));
        assertThrows(IllegalArgumentException.class, () -> cmd.run("10", "", "", "", "\0bad"));
        Path ok = dir.resolve("ok.qasm");
        Files.writeString(ok, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nmeasure q -> c;\n");
        QuantumException q = assertThrows(QuantumException.class, () -> cmd.run("10", "ibm_nowhere", "", "", ok.toString()));
        assertTrue(q.getMessage().contains("unknown backend"), q.getMessage());
        Path big = dir.resolve("big.qasm");
        Files.writeString(big, "OPENQASM 3;\nqubit[40] q;\nbit c;\nc[0] = measure q[0];\n");
        assertThrows(QuantumException.class, () -> cmd.run("10", "", "", "", big.toString()));
        Path noBits = dir.resolve("nobits.qasm");
        Files.writeString(noBits, "OPENQASM 3;\nqubit q;\nh q;\n");
        assertThrows(QuantumException.class, () -> cmd.run("10", "", "", "", noBits.toString()));
    }

    @Test
    void vqeAndQaoaCommands() {
        String v = cmd.vqe("", "", "0", "nelder-mead", "2", "2000", "");
        assertTrue(v.contains("-1.137"), v);
        String custom = cmd.vqe("", "ZZ + 0.5*XI", "1", "bobyqa", "1", "500", "");
        assertTrue(custom.contains("-0.118"), custom); // 1 - sqrt(1.25)
        assertThrows(IllegalArgumentException.class, () -> cmd.vqe("h2", "ZZ", "0", "nelder-mead", "2", "100", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.vqe("", "ZQ", "0", "nelder-mead", "2", "100", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.vqe("", "", "0", "sgd", "2", "100", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.vqe("", "", "0", "spsa", "-1", "100", ""));
        String q = cmd.qaoa("0-1,1-2,2-3,3-0", "0", "2", "1024", "nelder-mead", "");
        assertTrue(q.contains("0101") || q.contains("1010"), q);
        assertTrue(q.matches("(?s).*\\s4\\.0000\\s+4\\.0000.*"), q);
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("", "0", "2", "1024", "nelder-mead", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-x", "0", "2", "1024", "nelder-mead", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-1:inf", "0", "2", "1024", "nelder-mead", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-99", "0", "2", "1024", "nelder-mead", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-1", "0", "0", "1024", "nelder-mead", ""));
        assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("1-1", "0", "1", "1024", "nelder-mead", ""));
    }

    @Test
    void argsParsing() {
        assertEquals(3, Args.edges("0-1, 1-2:2.5 ,2-0").length);
        assertEquals(2.5, Args.edges("1-2:2.5")[0][2]);
    }

    @Test
    void optionsUseTheOneCommandGrammar() {
        // Java's parseDouble took "2d", "0x1p1" and "1e400" (infinite) as weights; the toolkit's grammar refuses them in one line
        for (String w : new String[] {"2d", "0x1p1", "1e400", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Args.edges("0-1:" + w));
            assertTrue(e.getMessage().startsWith("invalid --graph weight '"), e.getMessage());
        }
        assertEquals(0.5, Args.edges("0-1:5e-1")[0][2]);
        // huge and hostile values: one line, escaped, cut
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-1", "0", "2", "99999999999999999999999", "nelder-mead", ""));
        assertTrue(e.getMessage().contains("--shots") && e.getMessage().contains("between 1 and 1000000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cmd.qaoa("0-1", "0", "\u001b[2J2", "64", "nelder-mead", ""));
        assertTrue(e.getMessage().contains("\\u001b[2J") && e.getMessage().indexOf('\u001b') < 0, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Args.assignments("--params", "θ=x\n"));
        assertTrue(e.getMessage().contains("θ") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
