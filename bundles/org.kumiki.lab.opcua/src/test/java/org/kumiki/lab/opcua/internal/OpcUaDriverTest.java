package org.kumiki.lab.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.lab.engine.internal.PlansImpl;
import org.kumiki.lab.engine.internal.RunEngineImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** The driver against a real Milo server hosting a simulated instrument, and inside the real engine. */
class OpcUaDriverTest {

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    static OpcUaDevice.Settings settings(String endpoint, String policy, boolean allowInsecure) {
        Map<String, String> readings = new LinkedHashMap<>();
        readings.put("tcua", "ns=2;s=Temperature");
        readings.put("tcua_setpoint", "ns=2;s=Setpoint");
        readings.put("tcua_counter", "ns=2;s=Counter");
        return new OpcUaDevice.Settings("tcua", endpoint, policy, policy.equals("None") ? "None" : "SignAndEncrypt", allowInsecure, null, null, readings,
                "ns=2;s=Setpoint", "ns=2;s=Instrument|ns=2;s=Trigger", "ns=2;s=Instrument|ns=2;s=Stop", 250.0, 450.0, "K", 2000, 20);
    }

    @Test
    void refusesInsecureAndMalformedConfigurations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(settings("opc.tcp://127.0.0.1:1/x", "None", false)));
        assertTrue(e.getMessage().contains("None is refused"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(settings("opc.tcp://127.0.0.1:1/x", "Basic256Sha256", false)));
        assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(settings("opc.tcp://127.0.0.1:1/x", "Rot13", true)));
        assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(settings("http://127.0.0.1:1/x", "None", true)));
        assertThrows(IllegalArgumentException.class, () -> OpcUaDevice.nodeId("ns=2;q=@@"));
        assertThrows(IllegalArgumentException.class, () -> OpcUaDevice.method("ns=2;s=A"));
        assertThrows(IllegalArgumentException.class, () -> OpcUaDevice.mode("Invalid"));
    }

    static OpcUaDevice.Settings secured(String endpoint, Path securityDir) {
        OpcUaDevice.Settings p = settings(endpoint, "Basic256Sha256", false);
        return new OpcUaDevice.Settings(p.name(), p.endpoint(), p.securityPolicy(), p.securityMode(), false, null, null, p.readings(), p.setpointNode(),
                p.triggerMethod(), p.stopMethod(), p.low(), p.high(), p.units(), p.requestTimeoutMs(), p.samplingMs(), securityDir);
    }

    @Test
    void unknownOrMismatchedSecurityIsOneLine(@TempDir Path dir) {
        OpcUaDevice.Settings p = secured("opc.tcp://127.0.0.1:1/x", dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(new OpcUaDevice.Settings(p.name(), p.endpoint(),
                "Basic128", "SignAndEncrypt", false, null, null, p.readings(), null, null, null, null, null, null, 1000, 10, dir)));
        assertEquals("unknown security policy 'Basic128'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(new OpcUaDevice.Settings(p.name(), p.endpoint(),
                "Basic256Sha256", "Encrypt", false, null, null, p.readings(), null, null, null, null, null, null, 1000, 10, dir)));
        assertEquals("unknown security mode 'Encrypt' (None, Sign, SignAndEncrypt)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(new OpcUaDevice.Settings(p.name(), p.endpoint(),
                "Basic256Sha256", "None", true, null, null, p.readings(), null, null, null, null, null, null, 1000, 10, dir)));
        assertTrue(e.getMessage().contains("does not go with mode None"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OpcUaDevice(settings("opc.tcp://127.0.0.1:1/x", "Basic256Sha256", false)));
        assertTrue(e.getMessage().contains("no state folder"), e.getMessage());
    }

    @Test
    void basic256Sha256WithTheGeneratedClientCertificateReadsAndWrites(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("state/lab/opcua");
        // first use: the driver generates the installation's client key and certificate
        try (OpcUaDevice first = new OpcUaDevice(secured("opc.tcp://127.0.0.1:1/none", pki))) {
            assertTrue(java.nio.file.Files.isRegularFile(pki.resolve(ClientSecurity.CERT)));
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(pki.resolve(ClientSecurity.KEY))));
        byte[] key = java.nio.file.Files.readAllBytes(pki.resolve(ClientSecurity.KEY));
        java.security.cert.X509Certificate client = ClientSecurity.readCertificate(pki.resolve(ClientSecurity.CERT));
        // the server's administrator trusts the client's certificate; the installation trusts the server's
        InstrumentServer.Secure secure = new InstrumentServer.Secure().trust(client);
        java.nio.file.Files.write(pki.resolve("pki/trusted/instrument.der"), secure.certificate.getEncoded());
        InstrumentServer.Instrument inst = new InstrumentServer.Instrument();
        try (InstrumentServer server = new InstrumentServer(freePort(), inst, secure)) {
            server.start();
            try (OpcUaDevice dev = new OpcUaDevice(secured(server.endpoint(), pki))) {
                await(dev::connected, "a Basic256Sha256/SignAndEncrypt session");
                dev.set(300.0).toCompletableFuture().get(10, TimeUnit.SECONDS);
                await(() -> {
                    try {
                        return ((Number) dev.read().get("tcua_setpoint").value).doubleValue() == 300.0;
                    } catch (Exception ex) {
                        return false;
                    }
                }, "the written set point read back");
                assertEquals(null, dev.problem());
            }
        }
        assertTrue(java.util.Arrays.equals(key, java.nio.file.Files.readAllBytes(pki.resolve(ClientSecurity.KEY))), "the key is generated once and kept");
    }

    @Test
    void aServerTheClientDoesNotTrustAndAServerThatDoesNotTrustTheClientAreOneLineEach(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("state/lab/opcua");
        java.security.cert.X509Certificate client = ClientSecurity.open(pki).certificate;
        InstrumentServer.Secure trusting = new InstrumentServer.Secure().trust(client);
        try (InstrumentServer server = new InstrumentServer(freePort(), new InstrumentServer.Instrument(), trusting)) {
            server.start();
            // the installation does not trust this server yet: its certificate is saved for review
            try (OpcUaDevice dev = new OpcUaDevice(secured(server.endpoint(), pki))) {
                await(() -> dev.problem() != null, "a refusal");
                assertTrue(dev.problem().matches("tcua: the certificate of OPC UA server opc\\.tcp://127\\.0\\.0\\.1:\\d+/kumiki \\(.*CN=Kumiki test instrument\\) is not trusted: "
                        + "saved as .*/pki/rejected/[0-9a-f]{40}\\.der; move it to .*/pki/trusted to trust this server"), dev.problem());
                assertFalse(dev.connected());
                // the operator trusts it: the next attempt reads the trust list again and connects
                try (var s = java.nio.file.Files.list(pki.resolve("pki/rejected"))) {
                    Path rejected = s.findFirst().orElseThrow();
                    java.nio.file.Files.move(rejected, pki.resolve("pki/trusted").resolve(rejected.getFileName()));
                }
                await(dev::connected, "a session once the server is trusted");
                assertEquals(null, dev.problem());
            }
        }
        // a server whose administrator has not trusted this installation's certificate
        InstrumentServer.Secure strict = new InstrumentServer.Secure();
        java.nio.file.Files.write(pki.resolve("pki/trusted/strict.der"), strict.certificate.getEncoded());
        try (InstrumentServer server = new InstrumentServer(freePort(), new InstrumentServer.Instrument(), strict)) {
            server.start();
            try (OpcUaDevice dev = new OpcUaDevice(secured(server.endpoint(), pki))) {
                await(() -> dev.problem() != null, "a refusal");
                assertTrue(dev.problem().matches("tcua: OPC UA server opc\\.tcp://127\\.0\\.0\\.1:\\d+/kumiki refused this client \\(Bad_SecurityChecksFailed\\): "
                        + "its administrator must trust .*/client-cert\\.der \\(application URI urn:kumiki:lab:opcua\\)"), dev.problem());
                assertFalse(dev.connected());
            }
        }
    }

    @Test
    void transportErrorsAnywhereInTheCauseChainCountAsALostServer() {
        var unexpected = org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_UnexpectedError;
        assertTrue(OpcUaDevice.lostConnection(new org.eclipse.milo.opcua.stack.core.UaException(unexpected, new java.nio.channels.ClosedChannelException())));
        assertTrue(OpcUaDevice.lostConnection(new java.util.concurrent.CompletionException(
                new org.eclipse.milo.opcua.stack.core.UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_ServerHalted))));
        assertTrue(OpcUaDevice.lostConnection(new RuntimeException(new java.net.ConnectException("refused"))));
        assertTrue(OpcUaDevice.lostConnection(new org.eclipse.milo.opcua.stack.core.UaRuntimeException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_ConnectionRejected)));
        // the server answered and refused: a failed command, not a lost instrument
        assertFalse(OpcUaDevice.lostConnection(new org.eclipse.milo.opcua.stack.core.UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NodeIdUnknown)));
        assertFalse(OpcUaDevice.lostConnection(new org.eclipse.milo.opcua.stack.core.UaException(unexpected, new IllegalStateException("x"))));
        assertFalse(OpcUaDevice.lostConnection(new IllegalArgumentException()));
    }

    @Test
    void variablesMethodsAndSubscriptionsMapToADevice() throws Exception {
        InstrumentServer.Instrument inst = new InstrumentServer.Instrument();
        try (InstrumentServer server = new InstrumentServer(freePort(), inst)) {
            server.start();
            try (OpcUaDevice dev = new OpcUaDevice(settings(server.endpoint(), "None", true))) {
                await(dev::connected, "session");
                Map<String, ?> r = dev.read();
                assertEquals(List.of("tcua", "tcua_setpoint", "tcua_counter"), new ArrayList<>(r.keySet()));
                dev.set(320.0).toCompletableFuture().get(10, TimeUnit.SECONDS);
                // the subscription brings the rising temperature without polling
                await(() -> {
                    try {
                        return ((Number) dev.read().get("tcua").value).doubleValue() > 319;
                    } catch (Exception ex) {
                        return false;
                    }
                }, "temperature near 320 through the subscription");
                assertThrows(LimitViolationException.class, () -> dev.set(1000.0));
                assertThrows(LimitViolationException.class, () -> dev.set("hot"));
                dev.trigger().toCompletableFuture().get();
                dev.trigger().toCompletableFuture().get();
                assertEquals(2L, inst.counter.get());
                assertEquals(2.0, ((Number) dev.read().get("tcua_counter").value).doubleValue());
                dev.stop();
                assertEquals(1L, inst.stops.get());
                assertTrue(dev.describe().get("tcua").source.startsWith("OPCUA:opc.tcp://127.0.0.1:"));
            }
        }
    }

    @Test
    void serverStopMidRunSuspendsAndTheRunResumesWithoutLostOrDuplicatedEvents(@TempDir Path dir) throws Exception {
        InstrumentServer.Instrument inst = new InstrumentServer.Instrument();
        int port = freePort();
        InstrumentServer server = new InstrumentServer(port, inst);
        server.start();
        JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
        RunEngineImpl engine = RunEngineImpl.create(journals, dir, RunEngineImpl.Settings.defaults());
        List<DocumentDTO> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        engine.subscribe((n, d) -> seen.add(DocumentDTO.of(n, d)));
        try (OpcUaDevice dev = new OpcUaDevice(settings(server.endpoint(), "None", true))) {
            engine.addDevice(dev, Map.of(LabConstants.DEVICE_NAME, "tcua"));
            await(dev::connected, "session");
            // 60 points, 0.3 s apart: the run must still be going when the server is down (stopping it takes a while)
            var f = engine.submit(new PlansImpl().count(List.of("tcua"), 60, 0.3, null)).toCompletableFuture();
            await(() -> inst.counter.get() >= 15, "fifteen points");
            server.stop();
            await(() -> engine.state() == EngineState.SUSPENDED || f.isDone(), "suspension when the server goes away");
            assertFalse(f.isDone(), () -> "the run ended instead of suspending: " + f.handle((r, e) -> e != null ? e.toString() : r.status + " " + r.reason).join());
            long during = inst.counter.get();
            server = new InstrumentServer(port, inst);
            server.start();
            RunSummaryDTO s = f.get(120, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status, s.reason);
            assertTrue(inst.counter.get() >= during);
            await(() -> seen.stream().anyMatch(d -> d.name.equals("stop")), "stop document");
            List<Double> counts = new ArrayList<>();
            long seq = 0;
            for (DocumentDTO d : seen) {
                if (!d.name.equals("event")) continue;
                assertEquals(++seq, ((Number) d.doc.get("seq_num")).longValue());
                counts.add(((Number) ((Map<?, ?>) d.doc.get("data")).get("tcua_counter")).doubleValue());
            }
            assertEquals(60, counts.size(), "every event, once");
            for (int i = 1; i < counts.size(); i++) assertTrue(counts.get(i) > counts.get(i - 1), "a fresh trigger per event: " + counts);
        } finally {
            engine.close();
            server.close();
        }
    }

    @Test
    void aServerThatIsNotUpYetIsConnectedWhenItComes() throws Exception {
        InstrumentServer.Instrument inst = new InstrumentServer.Instrument();
        int port = freePort();
        try (OpcUaDevice dev = new OpcUaDevice(settings("opc.tcp://127.0.0.1:" + port + "/kumiki", "None", true));
                InstrumentServer server = new InstrumentServer(port, inst)) {
            assertFalse(dev.connected());
            assertThrows(org.kumiki.lab.api.DeviceDisconnectedException.class, dev::read);
            assertThrows(org.kumiki.lab.api.DeviceDisconnectedException.class, () -> dev.set(300.0));
            server.start();
            await(dev::connected, "the session once the server is up");
            assertEquals(3, dev.read().size());
        }
    }
}
