package org.kumiki.quantum.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.CircuitTooLargeException;
import org.kumiki.quantum.api.Estimator;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QasmVersion;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.algorithms.Qaoa;
import org.kumiki.quantum.api.algorithms.QaoaRequest;
import org.kumiki.quantum.api.algorithms.Vqe;
import org.kumiki.quantum.api.algorithms.VqeRequest;
import org.kumiki.quantum.api.algorithms.VqeResult;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.api.spi.BackendJob;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

class QuantumIT {

    @InjectBundleContext
    BundleContext context;

    static <T> T await(QuantumJob<T> job) throws Exception {
        return job.result().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static void eventually(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    static final String BELL = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n";

    @Test
    void samplesQasmOnTheEmbeddedSimulator(@InjectService QasmCodec codec, @InjectService Sampler sampler, @InjectService QuantumBackends backends) throws Exception {
        assertEquals("statevector", backends.defaultBackend());
        QuantumCircuit c = codec.parse(BELL);
        SamplerPub pub = SamplerPub.of(c, 2000);
        pub.seed = 1L;
        QuantumJob<List<SamplerPubResult>> job = sampler.run(null, List.of(pub));
        SampleDTO d = await(job).get(0).data.get(0);
        assertEquals(JobStatus.DONE, job.status());
        assertEquals(2, d.counts.size(), d.counts.toString());
        assertEquals(2000, d.counts.get("00") + d.counts.get("11"));
        assertEquals(c, codec.parse(codec.export(c, QasmVersion.V2)));
        QasmException e = assertThrows(QasmException.class, () -> codec.parse("OPENQASM 3;\nqubit q;\nh q[1];"));
        assertEquals(3, e.line());
        assertEquals(5, e.column());
    }

    /** OpenQASM's published phase-estimation example (pea_3*pi/8 v3), which defines its own cu. */
    static final String PEA_3_PI_8 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[5];\ncreg c[4];\n"
            + "gate cu1fixed (a) c,t {\nu1 (-a) t;\ncx c,t;\nu1 (a) t;\ncx c,t;\n}\ngate cu c,t {\ncu1fixed (3*pi/8) c,t;\n}\n"
            + "h q[0];\nh q[1];\nh q[2];\nh q[3];\ncu q[3],q[4];\n" + "cu q[2],q[4];\n".repeat(2) + "cu q[1],q[4];\n".repeat(4)
            + "cu q[0],q[4];\n".repeat(8)
            + "h q[0];\ncu1(-pi/2) q[0],q[1];\nh q[1];\ncu1(-pi/4) q[0],q[2];\ncu1(-pi/2) q[1],q[2];\nh q[2];\n"
            + "cu1(-pi/8) q[0],q[3];\ncu1(-pi/4) q[1],q[3];\ncu1(-pi/2) q[2],q[3];\nh q[3];\n"
            + "measure q[0] -> c[0];\nmeasure q[1] -> c[1];\nmeasure q[2] -> c[2];\nmeasure q[3] -> c[3];\n";

    @Test
    void userGatesNamedLikeLibraryGatesWinOnTheSimulator(@InjectService QasmCodec codec, @InjectService Sampler sampler) throws Exception {
        // the phase 3/16 is exact in 4 bits: every shot reads 3 (c = 0011)
        SamplerPub pea = SamplerPub.of(codec.parse(PEA_3_PI_8), 500);
        pea.seed = 7L;
        assertEquals(Map.of("0011", 500), await(sampler.run(null, List.of(pea))).get(0).data.get(0).counts);
        // a program's own h (an X) is what runs: every shot reads 1, not half of them
        SamplerPub h = SamplerPub.of(codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate h a { x a; }\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;\n"), 500);
        h.seed = 7L;
        assertEquals(Map.of("1", 500), await(sampler.run(null, List.of(h))).get(0).data.get(0).counts);
        // an error in a body points into the body
        QasmException e = assertThrows(QasmException.class, () -> codec.parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate cu c,t {\n  cu1fixed(1) c,t;\n}\n"));
        assertEquals(4, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void estimatesExactlyAndRunsVqeAndQaoa(@InjectService Estimator estimator, @InjectService Vqe vqe, @InjectService Qaoa qaoa) throws Exception {
        QuantumCircuit ghz = new QuantumCircuit(3, 0).h(0).cx(0, 1).cx(1, 2);
        EstimatorPubResult r = await(estimator.run(null, List.of(EstimatorPub.of(ghz, Observable.of("ZZI"), Observable.of("XXX"), Observable.of("ZII"))))).get(0);
        assertEquals(1.0, r.evs[0][0], 1e-12);
        assertEquals(1.0, r.evs[0][1], 1e-12);
        assertEquals(0.0, r.evs[0][2], 1e-12);
        VqeRequest req = new VqeRequest();
        req.molecule = "h2";
        VqeResult v = vqe.run(req);
        assertEquals(-1.137, v.energy, 1e-3);
        QaoaRequest q = new QaoaRequest();
        q.nodes = 4;
        q.edges = new double[][] {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}};
        assertEquals(4.0, qaoa.maxCut(q).bestCutValue, 1e-12);
    }

    /** A backend that pretends to be hardware and answers every shot with all zeros. */
    static final class ZeroBackend implements QuantumBackend {
        @Override public String name() { return "zero-hw"; }
        @Override public TargetDTO target() {
            TargetDTO t = new TargetDTO();
            t.numQubits = 5;
            t.maxShots = 100;
            t.basisGates = List.of("rz", "sx", "cx");
            t.couplingMap = List.of(new int[] {0, 1}, new int[] {1, 2});
            t.description = "test double";
            return t;
        }
        @Override public QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs) {
            BackendJob<List<SamplerPubResult>> job = new BackendJob<>(name());
            SamplerPubResult r = new SamplerPubResult();
            SampleDTO d = new SampleDTO();
            d.shots = pubs.get(0).shots;
            d.counts = Map.of("0".repeat(pubs.get(0).circuit.numClbits()), d.shots);
            r.data = List.of(d);
            job.complete(List.of(r));
            return job;
        }
    }

    @Test
    void backendsComeAndGoAsServices(@InjectService QuantumBackends backends, @InjectService Sampler sampler, @InjectService Estimator estimator) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(QuantumBackend.NAME, "zero-hw");
        ServiceRegistration<QuantumBackend> reg = context.registerService(QuantumBackend.class, new ZeroBackend(), p);
        try {
            eventually(() -> backends.list().stream().anyMatch(b -> b.name.equals("zero-hw")), "zero-hw listed");
            assertEquals("statevector", backends.defaultBackend());
            QuantumCircuit c = new QuantumCircuit(2, 2).h(0).measureAll();
            assertEquals(Map.of("00", 10), await(sampler.run("zero-hw", List.of(SamplerPub.of(c, 10)))).get(0).data.get(0).counts);
            // no exact expectations there: estimated from (all-zero) samples
            EstimatorPubResult r = await(estimator.run("zero-hw", List.of(EstimatorPub.of(new QuantumCircuit(2, 0).x(0), Observable.of("IZ"))))).get(0);
            assertEquals(1.0, r.evs[0][0], 1e-12);
        } finally {
            reg.unregister();
        }
        eventually(() -> backends.list().stream().noneMatch(b -> b.name.equals("zero-hw")), "zero-hw gone");
    }

    @Test
    void configurationLimitsQubitsAndTooLargeCircuitsAreRefusedBeforeAllocation(@InjectService ConfigurationAdmin ca, @InjectService QuantumBackends backends,
            @InjectService Sampler sampler) throws Exception {
        QuantumCircuit huge = new QuantumCircuit(34, 1).h(33).measure(0, 0);
        CircuitTooLargeException e = assertThrows(CircuitTooLargeException.class, () -> sampler.run(null, List.of(SamplerPub.of(huge, 10))));
        assertTrue(e.getMessage().contains("34 qubits"), e.getMessage());
        Configuration cfg = ca.getConfiguration("org.kumiki.quantum.statevector", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("maxQubits", 10);
        cfg.update(p);
        try {
            eventually(() -> backends.list().stream().anyMatch(b -> b.name.equals("statevector") && b.target != null && b.target.numQubits == 10), "maxQubits 10");
            QuantumCircuit eleven = new QuantumCircuit(11, 1).h(10).measure(0, 0);
            assertThrows(CircuitTooLargeException.class, () -> sampler.run("statevector", List.of(SamplerPub.of(eleven, 10))));
        } finally {
            cfg.delete();
        }
        eventually(() -> backends.list().stream().anyMatch(b -> b.name.equals("statevector") && b.target != null && b.target.numQubits > 10), "limit lifted");
    }

    @Test
    void ibmRuntimeBackendsComeFromFactoryConfigurationAndKeepTheKeyPrivate(@InjectService ConfigurationAdmin ca, @InjectService QuantumBackends backends,
            @InjectService Sampler sampler) throws Exception {
        Configuration cfg = ca.getFactoryConfiguration("org.kumiki.quantum.ibm", "it", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", "ibm-it");
        p.put("backend", "ibm_nowhere");
        p.put("serviceCrn", "crn:v1:test");
        p.put(".apiKey", "it-secret-key-987");
        p.put("url", "http://127.0.0.1:9/api");
        p.put("iamUrl", "http://127.0.0.1:9/identity/token");
        p.put("httpTimeoutSeconds", 2);
        cfg.update(p);
        try {
            eventually(() -> backends.list().stream().anyMatch(b -> b.name.equals("ibm-it")), "ibm-it listed");
            ServiceReference<?>[] refs = context.getServiceReferences(QuantumBackend.class.getName(), "(backend=ibm_nowhere)");
            assertTrue(refs != null && refs.length == 1, "one IBM backend service");
            for (String key : refs[0].getPropertyKeys()) {
                assertTrue(!String.valueOf(refs[0].getProperty(key)).contains("it-secret-key-987"), "service property " + key + " leaks the key");
            }
            var dto = backends.list().stream().filter(b -> b.name.equals("ibm-it")).findFirst().orElseThrow();
            assertTrue(!dto.target.simulator && !dto.exactExpectations);
            assertTrue(!dto.target.description.contains("it-secret-key-987"), dto.target.description);
            // unreachable service: the job fails with a one-line reason and no key
            QuantumJob<List<SamplerPubResult>> job = sampler.run("ibm-it", List.of(SamplerPub.of(new QuantumCircuit(1, 1).measure(0, 0), 10)));
            Exception e = assertThrows(Exception.class, () -> await(job));
            assertEquals(JobStatus.ERROR, job.status());
            assertTrue(!job.error().contains("it-secret-key-987"), job.error());
        } finally {
            cfg.delete();
        }
        eventually(() -> backends.list().stream().noneMatch(b -> b.name.equals("ibm-it")), "ibm-it gone");
    }

    @Test
    void gogoCommands(@InjectService CommandProcessor gogo) throws Exception {
        Path f = Files.createTempFile("bell", ".qasm");
        try {
            Files.writeString(f, BELL);
            String backends = run(gogo, "q:backends");
            assertTrue(backends.contains("statevector"), backends);
            String out = run(gogo, "q:run --shots 500 --seed 3 " + f);
            assertTrue(out.contains("500 shots") && out.contains("\n00 ") && out.contains("\n11 ") && !out.contains("\n01 ") && !out.contains("\n10 "), out);
            String vqe = run(gogo, "q:vqe");
            assertTrue(vqe.contains("-1.137"), vqe);
            String qaoa = run(gogo, "q:qaoa --graph 0-1,1-2,2-0");
            assertTrue(qaoa.contains("2.0000"), qaoa);
            Exception bad = assertThrows(Exception.class, () -> run(gogo, "q:run --shots nope " + f));
            assertTrue(bad.getMessage().contains("invalid --shots 'nope': expected a whole number"), bad.getMessage());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    static String run(CommandProcessor gogo, String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            return r == null ? out.toString(StandardCharsets.UTF_8) : s.format(r, Converter.INSPECT).toString();
        }
    }
}
