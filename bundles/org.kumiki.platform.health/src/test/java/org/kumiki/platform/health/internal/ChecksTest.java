package org.kumiki.platform.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kumiki.platform.health.internal.Fakes.fake;
import static org.kumiki.platform.health.internal.Fakes.messages;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.journal.JournalFactory;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.spi.ExecutionBackend;

class ChecksTest {

    static ModelStatusDTO model(String name, String version, String state, String reason) {
        ModelStatusDTO s = new ModelStatusDTO();
        s.name = name;
        s.version = version;
        s.state = state == null ? null : ModelState.valueOf(state);
        s.reason = reason;
        return s;
    }

    @Test
    void inferenceFailedModelIsCriticalLoadingIsWarnUnloadedIsFine() {
        Result ok = InferenceCheck.evaluate(Set.of("onnxruntime_onnx"), Set.of("onnxruntime_onnx"),
                List.of(model("mlp", "1", "READY", null), model("idle", null, "UNAVAILABLE", "not loaded"), model("old", "2", "UNAVAILABLE", "unloaded")));
        assertEquals(Result.Status.OK, ok.getStatus(), messages(ok));
        assertTrue(messages(ok).contains("1 model READY: mlp/1"), messages(ok));

        Result loading = InferenceCheck.evaluate(Set.of(), Set.of("onnxruntime_onnx"), List.of(model("big", "1", "LOADING", null)));
        assertEquals(Result.Status.WARN, loading.getStatus());
        assertTrue(messages(loading).contains("model 'big' version 1 is LOADING"), messages(loading));

        Result failed = InferenceCheck.evaluate(Set.of(), Set.of("onnxruntime_onnx"),
                List.of(model("bad", "1", "UNAVAILABLE", "not an ONNX model"), model("big", "1", "LOADING", null)));
        assertEquals(Result.Status.CRITICAL, failed.getStatus());
        assertTrue(messages(failed).contains("model 'bad' version 1 is UNAVAILABLE (not an ONNX model)"), messages(failed));
    }

    @Test
    void inferenceMissingOnnxRuntimeIsCritical() {
        Result r = InferenceCheck.evaluate(Set.of("onnxruntime_onnx"), Set.of(), List.of());
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(messages(r).contains("ONNX Runtime is not loaded"), messages(r));
        ModelRepository repo = fake(ModelRepository.class, Map.of("index", a -> List.of(model("m", "1", "READY", null))));
        InferenceCheck check = new InferenceCheck(repo, config(InferenceCheck.Config.class, Map.of("required_platforms", new String[] {"onnxruntime_onnx"})));
        assertEquals(Result.Status.CRITICAL, check.execute().getStatus());
        check.addEngine((m, v, d, c) -> null, Map.of("kumiki.inference.platform", "onnxruntime_onnx"));
        assertEquals(Result.Status.OK, check.execute().getStatus(), messages(check.execute()));
    }

    static DeviceDTO device(String name, boolean connected) {
        DeviceDTO d = new DeviceDTO();
        d.name = name;
        d.connected = connected;
        d.location = "hutch 1";
        return d;
    }

    @Test
    void disconnectedInstrumentIsCriticalAndNamed() {
        List<DeviceDTO> devices = new ArrayList<>(List.of(device("motor1", true), device("det1", true)));
        RunEngine engine = fake(RunEngine.class, Map.of("devices", a -> devices));
        InstrumentsCheck check = new InstrumentsCheck(engine);
        assertEquals(Result.Status.OK, check.execute().getStatus());
        devices.set(1, device("det1", false));
        Result r = check.execute();
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(messages(r).contains("instrument det1 is disconnected (hutch 1)"), messages(r));
        assertTrue(messages(r).contains("1 instrument connected: motor1"), messages(r));
    }

    @Test
    void latchedEmergencyStopIsCriticalWithItsReason() {
        String[] reason = {null};
        RunEngine engine = fake(RunEngine.class, Map.of("emergencyStopReason", a -> Optional.ofNullable(reason[0]), "state", a -> EngineState.IDLE));
        EmergencyStopCheck check = new EmergencyStopCheck(engine);
        assertEquals(Result.Status.OK, check.execute().getStatus());
        reason[0] = "door opened\nby operator";
        Result r = check.execute();
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(messages(r).contains("emergency stop is latched: door opened\\nby operator; no motion until it is reset"), messages(r));
    }

    @Test
    void emergencyStopDefaultMethodFollowsActive() {
        RunEngine engine = fake(RunEngine.class, Map.of("emergencyStopActive", a -> true, "state", a -> EngineState.IDLE));
        assertEquals(Optional.of("emergency stop"), engine.emergencyStopReason());
        assertEquals(Result.Status.CRITICAL, new EmergencyStopCheck(engine).execute().getStatus());
    }

    @Test
    void freeSpaceThresholds() {
        long mb = 1024L * 1024L;
        Path p = Path.of("/state");
        assertEquals(Result.Status.OK, StateSpaceCheck.evaluate(p, 5000 * mb, 2048 * mb, 256 * mb).getStatus());
        Result warn = StateSpaceCheck.evaluate(p, 1000 * mb, 2048 * mb, 256 * mb);
        assertEquals(Result.Status.WARN, warn.getStatus());
        assertTrue(messages(warn).contains("1000 MB free on the file system of /state, under the warning threshold of 2048 MB"), messages(warn));
        Result critical = StateSpaceCheck.evaluate(p, 100 * mb, 2048 * mb, 256 * mb);
        assertEquals(Result.Status.CRITICAL, critical.getStatus());
        Result misconfigured = StateSpaceCheck.evaluate(p, 5000 * mb, 10 * mb, 100 * mb);
        assertEquals(Result.Status.WARN, misconfigured.getStatus());
        assertTrue(messages(misconfigured).contains("is above warn.free.mb"), messages(misconfigured));
    }

    @Test
    void freeSpaceOfTheRealStateFolder(@TempDir Path dir) {
        Installation inst = fake(Installation.class, Map.of("stateRoot", a -> dir));
        Result ok = new StateSpaceCheck(inst, config(StateSpaceCheck.Config.class, Map.of("warn_free_mb", 0L, "critical_free_mb", 0L))).execute();
        assertEquals(Result.Status.OK, ok.getStatus(), messages(ok));
        Result critical = new StateSpaceCheck(inst, config(StateSpaceCheck.Config.class, Map.of("warn_free_mb", Long.MAX_VALUE / (1L << 21), "critical_free_mb", Long.MAX_VALUE / (1L << 21)))).execute();
        assertEquals(Result.Status.CRITICAL, critical.getStatus(), messages(critical));
    }

    @Test
    void damagedJournalIsWarnNamingItTornTailIsNot(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/journal.log"), "x");
        List<JournalDamageDTO> damage = new ArrayList<>();
        Installation inst = fake(Installation.class, Map.of("stateRoot", a -> dir));
        JournalFactory journals = fake(JournalFactory.class, Map.of("damage", a -> damage));
        JournalCheck check = new JournalCheck(inst, journals);
        Result ok = check.execute();
        assertEquals(Result.Status.OK, ok.getStatus(), messages(ok));
        assertTrue(messages(ok).contains("1 journal writable"), messages(ok));

        JournalDamageDTO torn = new JournalDamageDTO();
        torn.file = dir.resolve("data/journal.log").toString();
        torn.tornTail = true;
        damage.add(torn);
        assertEquals(Result.Status.OK, check.execute().getStatus());
        JournalDamageDTO mid = new JournalDamageDTO();
        mid.file = dir.resolve("scheduler/journal.log").toString();
        mid.droppedBytes = 42;
        mid.recordsKept = 7;
        mid.keptAside = mid.file + ".damaged-x";
        damage.add(mid);
        Result warn = check.execute();
        assertEquals(Result.Status.WARN, warn.getStatus());
        assertTrue(messages(warn).contains("journal " + mid.file + " was damaged: 42 bytes dropped, 7 records kept; the damaged file is kept as " + mid.keptAside), messages(warn));
        assertFalse(messages(warn).contains("data/journal.log"), messages(warn));
    }

    @Test
    void readOnlyJournalIsCritical(@TempDir Path dir) throws Exception {
        Path j = Files.createDirectories(dir.resolve("lab")).resolve("journal.log");
        Files.writeString(j, "x");
        assertTrue(j.toFile().setWritable(false, false));
        try {
            Installation inst = fake(Installation.class, Map.of("stateRoot", a -> dir));
            JournalFactory journals = fake(JournalFactory.class, Map.of("damage", a -> List.of()));
            Result r = new JournalCheck(inst, journals).execute();
            if (Files.isWritable(j)) {
                return; // running as root: permissions do not bind
            }
            assertEquals(Result.Status.CRITICAL, r.getStatus());
            assertTrue(messages(r).contains("journal " + j + " is not writable"), messages(r));
        } finally {
            j.toFile().setWritable(true);
        }
    }

    static BackendDTO backend(String name) {
        BackendDTO b = new BackendDTO();
        b.name = name;
        b.running = 1;
        return b;
    }

    @Test
    void everyBackendAnswersOrIsNamed() throws Exception {
        Scheduler scheduler = fake(Scheduler.class, Map.of("backends", a -> List.of(backend("local"), backend("slurm"), backend("hang"))));
        SchedulerBackendsCheck check = new SchedulerBackendsCheck(scheduler, config(SchedulerBackendsCheck.Config.class, Map.of("probe_timeout_ms", 300L)));
        ExecutionBackend local = fake(ExecutionBackend.class, Map.of());
        String[] slurmWhy = {null};
        ExecutionBackend slurm = fake(ExecutionBackend.class, Map.of("probe", a -> slurmWhy[0]));
        check.addBackend(local, Map.of(ExecutionBackend.NAME, "local"));
        check.addBackend(slurm, Map.of(ExecutionBackend.NAME, "slurm"));
        Result ok = check.execute();
        assertEquals(Result.Status.OK, ok.getStatus(), messages(ok));
        assertTrue(messages(ok).contains("answering: local (1 running, 0 pending), slurm (1 running, 0 pending)"), messages(ok));

        slurmWhy[0] = "Slurm controller does not answer: Slurmctld(primary) at vm is DOWN";
        Result down = check.execute();
        assertEquals(Result.Status.CRITICAL, down.getStatus());
        assertTrue(messages(down).contains("backend slurm: Slurm controller does not answer: Slurmctld(primary) at vm is DOWN"), messages(down));

        CountDownLatch release = new CountDownLatch(1);
        ExecutionBackend hang = fake(ExecutionBackend.class, Map.of("probe", a -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        slurmWhy[0] = null;
        check.addBackend(hang, Map.of(ExecutionBackend.NAME, "hang"));
        Result slow = check.execute();
        release.countDown();
        assertEquals(Result.Status.CRITICAL, slow.getStatus());
        assertTrue(messages(slow).contains("backend hang: did not answer within 300 ms"), messages(slow));
        check.removeBackend(hang, Map.of(ExecutionBackend.NAME, "hang"));
        check.deactivate();
    }

    @Test
    void noBackendIsCritical() {
        Scheduler scheduler = fake(Scheduler.class, Map.of("backends", a -> List.of()));
        SchedulerBackendsCheck check = new SchedulerBackendsCheck(scheduler, config(SchedulerBackendsCheck.Config.class, Map.of("probe_timeout_ms", 300L)));
        Result r = check.execute();
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(messages(r).contains("no execution backend is registered"), messages(r));
        check.deactivate();
    }

    @Test
    void httpDiagnosisNamesThePortProperty() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String line = HttpServerCheck.diagnose("127.0.0.1", String.valueOf(busy.getLocalPort()));
            assertEquals("HTTP server is down: 127.0.0.1:" + busy.getLocalPort() + " is in use by another process; move it with org.osgi.service.http.port", line);
        }
        assertEquals("HTTP server is down: org.osgi.service.http.port=eighty\\n is not a port number", HttpServerCheck.diagnose(null, "eighty\n"));
    }

    @Test
    void tagsParameterIsValidated() {
        Set<String> known = new java.util.TreeSet<>(Set.of("lab", "scheduler", "default"));
        assertEquals(Set.of("lab", "scheduler"), HealthServlet.parseTags(new String[] {"lab, scheduler,"}, known));
        assertEquals(Set.of(), HealthServlet.parseTags(null, known));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> HealthServlet.parseTags(new String[] {"lab,nope"}, known));
        assertEquals("unknown tag 'nope'; known tags: default, lab, scheduler", unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HealthServlet.parseTags(new String[] {"<script>"}, known));
        assertTrue(bad.getMessage().startsWith("'<script>' is not a tag"), bad.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> HealthServlet.parseTags(new String[] {"a".repeat(10_240)}, known));
        assertEquals("the tags parameter is too long (10240 characters, at most 512)", big.getMessage());
    }

    /** A typed configuration with the given values (method name to value), defaults for the rest. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            return m.getDefaultValue();
        });
    }
}
