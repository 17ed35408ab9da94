package org.kumiki.quantum.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.kumiki.quantum.statevector.internal.StatevectorBackend;

class QuantumCoreTest {
    final StatevectorBackend sv = new StatevectorBackend(1, 20, true, 1_000_000);

    /** The simulator posing as hardware: sampling only. */
    final QuantumBackend samplingOnly = new QuantumBackend() {
        @Override public String name() { return "fake-hw"; }
        @Override public TargetDTO target() { TargetDTO t = sv.target(); t.simulator = false; return t; }
        @Override public QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs) { return sv.sample(pubs); }
    };

    @AfterEach
    void close() { sv.close(); }

    @Test
    void noBackendsMeansAClearError() {
        QuantumCore core = new QuantumCore();
        assertNull(core.defaultBackend());
        QuantumException e = assertThrows(QuantumException.class, () -> core.sample(null, List.of(SamplerPub.of(new QuantumCircuit(1, 1), 1))));
        assertTrue(e.getMessage().contains("no quantum backend"), e.getMessage());
    }

    @Test
    void routesToTheDefaultOrNamedBackendAndEstimatesBySamplingOnHardware() throws Exception {
        QuantumCore core = new QuantumCore();
        core.add(samplingOnly, 0);
        core.add(sv, 100);
        assertEquals("statevector", core.defaultBackend());
        assertEquals(2, core.list().size());
        assertTrue(core.list().get(1).isDefault && core.list().get(1).exactExpectations);
        QuantumException e = assertThrows(QuantumException.class, () -> core.sample("nope", List.of(SamplerPub.of(new QuantumCircuit(1, 1), 1))));
        assertTrue(e.getMessage().contains("known: fake-hw, statevector"), e.getMessage());

        QuantumCircuit c = new QuantumCircuit(2, 0).ry(0.7, 0).cx(0, 1).rx(0.3, 1);
        Observable h = Observable.parse("-1.05*II + 0.39*IZ - 0.39*ZI - 0.01*ZZ + 0.18*XX + 0.2*YY");
        EstimatorPub exactPub = EstimatorPub.of(c, h);
        EstimatorPubResult exact = core.estimate(null, List.of(exactPub)).result().toCompletableFuture().get(60, TimeUnit.SECONDS).get(0);
        EstimatorPub pub = EstimatorPub.of(c, h, Observable.of("II"));
        pub.precision = 0.005;
        pub.seed = 1L;
        EstimatorPubResult est = core.estimate("fake-hw", List.of(pub)).result().toCompletableFuture().get(60, TimeUnit.SECONDS).get(0);
        assertEquals("sampling", est.metadata.get("method"));
        assertTrue(est.stds[0][0] > 0 && est.stds[0][0] < 0.01, "std " + est.stds[0][0]);
        assertEquals(exact.evs[0][0], est.evs[0][0], 5 * est.stds[0][0] + 1e-9);
        assertEquals(1.0, est.evs[0][1], 0.0);
        assertThrows(QuantumException.class, () -> core.estimate(null, List.of(EstimatorPub.of(c, Observable.of("ZZZ")))));
        EstimatorPub bad = EstimatorPub.of(c, h);
        bad.precision = Double.NaN;
        assertThrows(QuantumException.class, () -> core.estimate(null, List.of(bad)));
    }

    @Test
    void backendsWithWronglyTypedPropertiesAreRefusedWithTheReason() {
        QuantumCore core = new QuantumCore();
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put(QuantumBackend.NAME, "fast");
        p.put("service.ranking", "200");
        p.put("service.id", 41L);
        p.put("component.name", "com.example.Fast");
        assertEquals("quantum backend service 41 (component com.example.Fast) refused: service.ranking must be an Integer, got the String \"200\""
                + " (in a DS property line write \"service.ranking:Integer=N\")", org.kumiki.quantum.api.spi.BackendProperties.problem(p));
        core.addBackend(sv, p);
        assertTrue(core.list().isEmpty(), "refused, not registered with ranking 0");
        p.put("service.ranking", 200);
        p.put(QuantumBackend.NAME, new String[] {"fast"});
        assertEquals("quantum backend service 41 (component com.example.Fast) refused: " + QuantumBackend.NAME + " must be a String, got the String[]",
                org.kumiki.quantum.api.spi.BackendProperties.problem(p));
        p.put(QuantumBackend.NAME, " ");
        assertTrue(org.kumiki.quantum.api.spi.BackendProperties.problem(p).endsWith("is blank (leave it out to use the backend's name())"));
        p.put(QuantumBackend.NAME, "fast");
        core.addBackend(sv, p);
        assertEquals("fast", core.defaultBackend());
    }
}
