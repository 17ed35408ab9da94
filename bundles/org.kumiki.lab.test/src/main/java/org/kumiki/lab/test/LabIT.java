package org.kumiki.lab.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.eventmodel.SchemaCheck;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.DocumentListener;
import org.kumiki.lab.api.EmergencyStopException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.AxisDTO;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

class LabIT {

    @InjectBundleContext
    BundleContext context;

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    static void awaitDevices(RunEngine engine, String... names) throws InterruptedException {
        await(() -> {
            List<String> have = engine.devices().stream().map(d -> d.name).toList();
            return have.containsAll(List.of(names));
        }, "devices " + List.of(names));
    }

    /** A document listener registered as a whiteboard service. */
    final class Recorder implements DocumentListener, AutoCloseable {
        final List<DocumentDTO> docs = Collections.synchronizedList(new ArrayList<>());
        final ServiceRegistration<DocumentListener> reg = context.registerService(DocumentListener.class, this, null);

        @Override
        public void document(String name, Map<String, Object> doc) {
            docs.add(DocumentDTO.of(name, doc));
        }

        List<DocumentDTO> until(String runUid) throws InterruptedException {
            await(() -> {
                synchronized (docs) {
                    return docs.stream().anyMatch(d -> d.name.equals("stop") && runUid.equals(d.doc.get("run_start")));
                }
            }, "stop of " + runUid);
            synchronized (docs) {
                List<DocumentDTO> l = new ArrayList<>();
                boolean in = false;
                for (DocumentDTO d : docs) {
                    if (d.name.equals("start")) in = runUid.equals(d.doc.get("uid"));
                    if (in) l.add(d);
                    if (d.name.equals("stop")) in = false;
                }
                return l;
            }
        }

        @Override
        public void close() {
            reg.unregister();
        }
    }

    static void checkDocuments(List<DocumentDTO> docs, int events) {
        for (DocumentDTO d : docs) {
            List<String> v = SchemaCheck.check(d.name, d.doc);
            assertTrue(v.isEmpty(), d.name + " violates event-model: " + v + " in " + d.doc);
        }
        assertEquals("start", docs.get(0).name);
        assertEquals("stop", docs.get(docs.size() - 1).name);
        assertEquals(1, docs.stream().filter(d -> d.name.equals("start")).count());
        assertEquals(1, docs.stream().filter(d -> d.name.equals("stop")).count());
        long seq = 0;
        for (DocumentDTO d : docs) {
            if (d.name.equals("event")) assertEquals(++seq, ((Number) d.doc.get("seq_num")).longValue());
        }
        assertEquals(events, seq);
    }

    @Test
    void scanThroughTheWhiteboardValidatesAgainstEventModel(@InjectService RunEngine engine, @InjectService Plans plans) throws Exception {
        awaitDevices(engine, "m1", "m2", "det1", "tc1", "robot1", "spec1");
        DeviceDTO m1 = engine.devices().stream().filter(d -> d.name.equals("m1")).findFirst().orElseThrow();
        assertEquals("motor", m1.kind);
        assertEquals("kumiki-sim", m1.vendor);
        assertTrue(m1.capabilities.containsAll(List.of("readable", "movable", "stoppable")));
        List<String> topics = Collections.synchronizedList(new ArrayList<>());
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, "org/kumiki/lab/*");
        ServiceRegistration<EventHandler> h = context.registerService(EventHandler.class, e -> topics.add(e.getTopic()), p);
        try (Recorder rec = new Recorder()) {
            RunSummaryDTO s = engine.submit(plans.gridScan(List.of("det1"), List.of(AxisDTO.of("m1", -1, 1, 3), AxisDTO.of("m2", -1, 1, 2)), false,
                    Map.of("purpose", "in-framework test"))).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            List<DocumentDTO> docs = rec.until(s.uid);
            checkDocuments(docs, 6);
            assertEquals(docs.size(), engine.documents(s.uid).size(), "persisted as published");
            await(() -> topics.contains("org/kumiki/lab/RUN_START") && topics.contains("org/kumiki/lab/RUN_STOP"), "run events");
        } finally {
            h.unregister();
        }
    }

    @Test
    void limitsAreCheckedBeforeMotionAndEstopRefusesMotion(@InjectService RunEngine engine, @InjectService Plans plans) throws Exception {
        awaitDevices(engine, "m1", "det1");
        double before = ((Number) engine.read("m1").get("m1").value).doubleValue();
        assertThrows(RunRejectedException.class, () -> engine.submit(plans.scan(List.of("det1"), "m1", 0, 500, 3, null)));
        RunRejectedException unknown = assertThrows(RunRejectedException.class, () -> engine.submit(plans.scan(List.of("det9"), "m1", 0, 1, 3, null)));
        assertTrue(unknown.getMessage().startsWith("unknown device 'det9' (known: ") && unknown.getMessage().contains("det1"), unknown.getMessage());
        assertThrows(LimitViolationException.class, () -> engine.set("m1", -1e6, 1000));
        assertEquals(before, ((Number) engine.read("m1").get("m1").value).doubleValue());
        assertTrue(engine.emergencyStop("in-framework drill").isEmpty());
        try {
            assertThrows(EmergencyStopException.class, () -> engine.set("m1", 1.0, 1000));
        } finally {
            engine.reset();
        }
        engine.set("m1", 1.0, 30_000);
        assertEquals(1.0, ((Number) engine.read("m1").get("m1").value).doubleValue(), 1e-9);
    }

    /** A detector registered by this test that is unplugged mid-run and plugged back in. */
    static final class Counter implements Readable, Triggerable {
        volatile boolean connected = true;
        final AtomicLong triggers = new AtomicLong();
        volatile long value;

        @Override public String name() { return "ctr9"; }
        @Override public boolean connected() { return connected; }

        @Override
        public CompletionStage<Void> trigger() throws DeviceException {
            if (!connected) throw new DeviceDisconnectedException("ctr9 unplugged");
            value = triggers.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<String, ReadingDTO> read() throws DeviceException {
            if (!connected) throw new DeviceDisconnectedException("ctr9 unplugged");
            return Map.of("ctr9", ReadingDTO.of(value, System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            return Map.of("ctr9", DataKeyDTO.number("TEST:ctr9", null, "ctr9"));
        }
    }

    @Test
    void anInstrumentThatDisconnectsSuspendsTheRunWhichResumesWithoutLossOrDuplicates(@InjectService RunEngine engine, @InjectService Plans plans)
            throws Exception {
        Counter c = new Counter();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(LabConstants.DEVICE_NAME, "ctr9");
        p.put(LabConstants.DEVICE_KIND, "counter");
        ServiceRegistration<?> reg = context.registerService(new String[] {Device.class.getName(), Readable.class.getName(), Triggerable.class.getName()}, c, p);
        try (Recorder rec = new Recorder()) {
            awaitDevices(engine, "ctr9");
            var f = engine.submit(plans.count(List.of("ctr9"), 40, 0.005, null)).toCompletableFuture();
            await(() -> c.triggers.get() >= 10, "ten points");
            c.connected = false;
            await(() -> engine.state() == EngineState.SUSPENDED, "suspended");
            c.connected = true;
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            List<DocumentDTO> docs = rec.until(s.uid);
            checkDocuments(docs, 40);
            List<Object> values = new ArrayList<>();
            for (DocumentDTO d : docs) if (d.name.equals("event")) values.add(((Map<?, ?>) d.doc.get("data")).get("ctr9"));
            assertEquals(40, values.stream().distinct().count(), "no duplicated readings");
        } finally {
            reg.unregister();
        }
        await(() -> engine.devices().stream().noneMatch(d -> d.name.equals("ctr9")), "device gone from the whiteboard");
    }

    /**
     * SCR chooses the public constructor whose length is the @Activate one's: a second public
     * constructor of that length (RunEngineImpl had one taking a Path) made SCR try it now and
     * then and log "unsupported type java.nio.file.Path". Every lab component has one public
     * constructor, and it is the one DS was told about.
     */
    @Test
    void everyLabComponentLeavesDsOnePublicConstructor(@InjectService ServiceComponentRuntime scr) throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() == null || !b.getSymbolicName().startsWith("org.kumiki.lab")) continue;
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                Class<?> c = b.loadClass(d.implementationClass);
                Constructor<?>[] pub = c.getConstructors();
                checked++;
                if (pub.length != 1) problems.add(d.implementationClass + " has " + pub.length + " public constructors");
                else if (pub[0].getParameterCount() != d.init) problems.add(d.implementationClass + ": DS expects " + d.init + " constructor arguments, the public constructor takes " + pub[0].getParameterCount());
            }
        }
        assertTrue(checked >= 5, "lab components found: " + checked);
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void labCommandsAreRegistered() throws Exception {
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(osgi.command.scope=lab)");
        assertTrue(refs != null && refs.length > 0, "lab commands");
        Object fns = refs[0].getProperty("osgi.command.function");
        List<String> f = List.of((String[]) fns);
        assertTrue(f.containsAll(List.of("devices", "read", "set", "plan", "pause", "resume", "abort", "estop", "reset", "runs", "docs")), f.toString());
        assertFalse(f.contains("wait"));
    }

    @Test
    void opcUaInstrumentsComeFromConfigurationAndInsecureOnesAreRefused(@InjectService RunEngine engine,
            @InjectService org.osgi.service.cm.ConfigurationAdmin cm) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the log folder outlives test runs: only what this test adds to kumiki.log counts
        java.nio.file.Path log = java.nio.file.Path.of(context.getProperty("kumiki.log.dir"), "kumiki.log");
        long logStart = java.nio.file.Files.exists(log) ? java.nio.file.Files.size(log) : 0;
        org.osgi.service.cm.Configuration refused = cm.getFactoryConfiguration("org.kumiki.lab.opcua.device", "refused", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", "uarefused");
        p.put("endpoint", "opc.tcp://127.0.0.1:" + port + "/x");
        p.put("security.policy", "None");
        p.put("security.mode", "None");
        p.put("readings", new String[] {"t=ns=2;s=Temperature"});
        refused.update(p);
        org.osgi.service.cm.Configuration accepted = cm.getFactoryConfiguration("org.kumiki.lab.opcua.device", "accepted", "?");
        Hashtable<String, Object> q = new Hashtable<>(p);
        q.put("name", "uaoffline");
        q.put("allow.insecure", true);
        accepted.update(q);
        try {
            awaitDevices(engine, "uaoffline");
            DeviceDTO d = engine.devices().stream().filter(x -> x.name.equals("uaoffline")).findFirst().orElseThrow();
            assertEquals("opcua", d.vendor);
            assertFalse(d.connected, "no server on port " + port);
            assertThrows(DeviceDisconnectedException.class, () -> engine.read("uaoffline"));
            await(() -> {
                try {
                    byte[] all = java.nio.file.Files.readAllBytes(log);
                    String added = new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart), java.nio.charset.StandardCharsets.UTF_8);
                    return added.contains("lab.opcua: device uarefused: security policy/mode None is refused; set allow.insecure=true");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "one line refusing uarefused in " + log);
            assertTrue(engine.devices().stream().noneMatch(x -> x.name.equals("uarefused")), "security None without allow_insecure is refused");
        } finally {
            refused.delete();
            accepted.delete();
        }
        await(() -> engine.devices().stream().noneMatch(x -> x.name.equals("uaoffline")), "device gone with its configuration");
    }
}
