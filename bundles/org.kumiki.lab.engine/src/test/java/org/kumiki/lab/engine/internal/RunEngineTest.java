package org.kumiki.lab.engine.internal;

import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.eventmodel.SchemaCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.EmergencyStopException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.InstrumentLockedException;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.dto.AxisDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.lab.api.dto.SuspenderDTO;
import org.kumiki.lab.sim.internal.SimMotor;
import org.kumiki.lab.sim.internal.SimSpectrometer;

class RunEngineTest {

    static RunSummaryDTO run(Harness h, Plan p) throws Exception {
        return h.engine.submit(p).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static List<DocumentDTO> ofRun(List<DocumentDTO> docs, String uid) {
        List<DocumentDTO> l = new ArrayList<>();
        Set<String> descs = new HashSet<>();
        Set<String> res = new HashSet<>();
        for (DocumentDTO d : docs) {
            Object rs = d.doc.get("run_start");
            if (d.name.equals("start") && uid.equals(d.doc.get("uid"))) l.add(d);
            else if (uid.equals(rs)) {
                l.add(d);
                if (d.name.equals("descriptor")) descs.add((String) d.doc.get("uid"));
                if (d.name.equals("resource")) res.add((String) d.doc.get("uid"));
            } else if (d.name.equals("event") && descs.contains(d.doc.get("descriptor"))) l.add(d);
            else if (d.name.equals("datum") && res.contains(d.doc.get("resource"))) l.add(d);
        }
        return l;
    }

    /** Every document validates; one start first, one stop last; events in order, seq_num 1..n per descriptor. */
    static List<DocumentDTO> checkRun(List<DocumentDTO> docs, int expectedEvents) {
        assertTrue(docs.size() >= 2, "documents: " + docs.size());
        for (DocumentDTO d : docs) {
            List<String> v = SchemaCheck.check(d.name, d.doc);
            assertTrue(v.isEmpty(), d.name + " " + d.doc + " violates " + v);
        }
        assertEquals("start", docs.get(0).name);
        assertEquals("stop", docs.get(docs.size() - 1).name);
        assertEquals(1, docs.stream().filter(d -> d.name.equals("start")).count());
        assertEquals(1, docs.stream().filter(d -> d.name.equals("stop")).count());
        Map<String, Long> seq = new LinkedHashMap<>();
        Set<String> uids = new HashSet<>();
        List<DocumentDTO> events = new ArrayList<>();
        for (DocumentDTO d : docs) {
            if (d.name.equals("descriptor")) seq.put((String) d.doc.get("uid"), 0L);
            if (d.name.equals("event")) {
                String desc = (String) d.doc.get("descriptor");
                assertTrue(seq.containsKey(desc), "event before its descriptor");
                long n = ((Number) d.doc.get("seq_num")).longValue();
                assertEquals(seq.get(desc) + 1, n, "seq_num in order without gaps");
                seq.put(desc, n);
                assertTrue(uids.add((String) d.doc.get("uid")), "unique event uid");
                events.add(d);
            }
        }
        assertEquals(expectedEvents, events.size(), "events");
        return events;
    }

    @Test
    void gridScanDocumentsValidateAndReachSubscriberAndDisk(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            Plan p = h.plans.gridScan(List.of("det1"), List.of(AxisDTO.of("m1", -1, 1, 3), AxisDTO.of("m2", 0, 2, 3)), true, Map.of("sample", "Si-1", "operator", "ada"));
            RunSummaryDTO s = run(h, p);
            assertEquals(RunStatus.SUCCESS, s.status);
            assertEquals(Map.of("primary", 9L), s.numEvents);
            List<DocumentDTO> seen = ofRun(h.seenUntilStop(s.uid), s.uid);
            List<DocumentDTO> events = checkRun(seen, 9);
            // the snake: m2 goes 0,1,2 then 2,1,0 then 0,1,2
            List<Double> m2 = new ArrayList<>();
            for (DocumentDTO e : events) m2.add(((Number) ((Map<?, ?>) e.doc.get("data")).get("m2")).doubleValue());
            assertEquals(List.of(0.0, 1.0, 2.0, 2.0, 1.0, 0.0, 0.0, 1.0, 2.0), m2);
            Map<?, ?> start = seen.get(0).doc;
            assertEquals("grid_scan", start.get("plan_name"));
            assertEquals("Si-1", start.get("sample"));
            Map<?, ?> desc = seen.get(1).doc;
            Map<?, ?> m1key = (Map<?, ?>) ((Map<?, ?>) desc.get("data_keys")).get("m1");
            assertEquals("mm", m1key.get("units"));
            assertEquals(Map.of("control", Map.of("low", -50.0, "high", 50.0)), m1key.get("limits"));
            // the same documents, in the same order, are on disk
            List<DocumentDTO> disk = h.engine.documents(s.uid);
            assertEquals(seen.size(), disk.size());
            for (int i = 0; i < disk.size(); i++) {
                assertEquals(seen.get(i).name, disk.get(i).name);
                assertEquals(String.valueOf(seen.get(i).doc.get("uid")), String.valueOf(disk.get(i).doc.get("uid")));
            }
            checkRun(disk, 9);
            assertEquals(EngineState.IDLE, h.engine.state());
        }
    }

    @Test
    void everyReadyMadePlanRuns(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            RunSummaryDTO c = run(h, h.plans.count(List.of("det1"), 5, 0, null));
            checkRun(ofRun(h.seenUntilStop(c.uid), c.uid), 5);
            RunSummaryDTO s = run(h, h.plans.scan(List.of("det1"), "m1", -2, 2, 5, null));
            checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 5);
            RunSummaryDTO l = run(h, h.plans.listScan(List.of("det1"), Map.of("m1", List.of(0.5, 1.5), "m3", List.of(1, 2)), null));
            checkRun(ofRun(h.seenUntilStop(l.uid), l.uid), 2);
            RunSummaryDTO n = run(h, h.plans.create("grid_scan", Map.of("dets", "det1", "axes", "m1:0:1:2,m2:0:1:2,m3:0:1:2", "md.project", "x")));
            checkRun(ofRun(h.seenUntilStop(n.uid), n.uid), 8);
            // composition: two counts in one sequence are two runs
            Plan seq = h.plans.sequence(List.of(h.plans.count(List.of("det1"), 2, 0, null), h.plans.count(List.of("det1"), 3, 0, null)));
            RunSummaryDTO last = run(h, seq);
            checkRun(ofRun(h.seenUntilStop(last.uid), last.uid), 3);
            // a hand-written plan of messages: CREATE/READ/SAVE bundles
            Plan msgs = h.plans.of(List.of(Msg.openRun(Map.of()), Msg.set("m1", 1.0, "g"), Msg.waitFor("g"), Msg.checkpoint(), Msg.create("primary"),
                    Msg.read("m1"), Msg.read("det1"), Msg.save(), Msg.closeRun()));
            RunSummaryDTO m = run(h, msgs);
            checkRun(ofRun(h.seenUntilStop(m.uid), m.uid), 1);
            assertTrue(h.engine.runs().size() >= 7);
        }
    }

    @Test
    void adaptivePlanOptimisesTheSynthesisLandscape(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            // coordinate search over (ratio_a, temperature), ratio_b fixed at the optimum
            double[] best = {-1};
            double[] x = {0.2, 300};
            double[] step = {0.1, 20};
            int[] axis = {0};
            double[] trial = new double[2];
            int[] dir1 = {1};
            List<Double> yields = new ArrayList<>();
            Plan p = h.plans.adaptive(List.of("spec1"), List.of("robot1"), last -> {
                if (last != null) {
                    double y = ((Number) last.get("spec1_yield").value).doubleValue();
                    yields.add(y);
                    if (y > best[0]) {
                        best[0] = y;
                        x[0] = trial[0];
                        x[1] = trial[1];
                    } else {
                        if (dir1[0] == 1) dir1[0] = -1;
                        else {
                            dir1[0] = 1;
                            step[axis[0]] /= 2;
                            axis[0] = 1 - axis[0];
                        }
                    }
                }
                trial[0] = x[0];
                trial[1] = x[1];
                if (last != null) trial[axis[0]] += dir1[0] * step[axis[0]];
                trial[0] = Math.max(0, Math.min(0.7, trial[0]));
                trial[1] = Math.max(280, Math.min(420, trial[1]));
                return Map.of("robot1", Map.of("ratio_a", trial[0], "ratio_b", SimSpectrometer.OPT_B, "temperature", trial[1]));
            }, 60, Map.of("objective", "yield"));
            RunSummaryDTO s = run(h, p);
            assertEquals(RunStatus.SUCCESS, s.status);
            checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 60);
            assertTrue(best[0] > 0.85, "the loop found yield " + best[0] + " (optimum " + SimSpectrometer.MAX_YIELD + ")");
            assertTrue(yields.get(0) < best[0]);
        }
    }

    @Test
    void setPointsOutsideLimitsAreRefusedBeforeAnythingMoves(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            SimMotor m1 = h.bench.motors.get(0);
            int runsBefore = h.engine.runs().size();
            RunRejectedException e = assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.scan(List.of("det1"), "m1", 0, 51, 3, null)));
            assertTrue(e.getMessage().contains("outside the soft limits"), e.getMessage());
            assertEquals(0.0, m1.position());
            assertFalse(m1.isMoving());
            assertEquals(runsBefore, h.engine.runs().size(), "no run was opened");
            assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.scan(List.of("det1"), "nope", 0, 1, 3, null)));
            assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.listScan(List.of("det1"), Map.of("m1", List.of("NaN")), null)));
            assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.listScan(List.of("det1"), Map.of("det1", List.of(1)), null)));
            assertThrows(LimitViolationException.class, () -> h.engine.set("m1", -50.5, 1000));
            assertThrows(LimitViolationException.class, () -> h.engine.set("m1", "12; rm -rf /", 1000));
            assertThrows(LimitViolationException.class, () -> h.engine.set("m1", Double.POSITIVE_INFINITY, 1000));
            assertEquals(0.0, m1.position());
            // an adaptive plan that asks for a bad point mid-run: the run fails at that point and nothing moves for it
            int[] n = {0};
            Plan p = h.plans.adaptive(List.of("det1"), List.of("m1"), last -> Map.of("m1", n[0]++ == 0 ? 2.0 : 99.0), 5, null);
            RunSummaryDTO s = run(h, p);
            assertEquals(RunStatus.FAIL, s.status);
            assertTrue(s.reason.contains("outside the soft limits"), s.reason);
            assertEquals(2.0, m1.position(), 1e-12);
            checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 1);
            h.engine.set("m1", 3.0, 10_000);
            assertEquals(3.0, m1.position(), 1e-12);
        }
    }

    @Test
    void everyDeviceAPlanNamesMustBeKnownAtSubmit(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            int runsBefore = h.engine.runs().size();
            List<Plan> bad = List.of(
                    h.plans.scan(List.of("det9"), "m1", 0, 1, 3, null), // an unknown detector, a known motor
                    h.plans.count(List.of("det1", "det9"), 3, 0, null),
                    h.plans.gridScan(List.of("det9"), List.of(AxisDTO.of("m1", 0, 1, 2)), false, null),
                    h.plans.adaptive(List.of("det9"), List.of("m1"), last -> Map.of("m1", 1.0), 3, null),
                    h.plans.sequence(List.of(h.plans.count(List.of("det1"), 1, 0, null), h.plans.count(List.of("det9"), 1, 0, null))),
                    h.plans.of(List.of(Msg.openRun(Map.of()), Msg.triggerAndRead(List.of("det9"), "primary"), Msg.closeRun())),
                    h.plans.create("count", Map.of("dets", "det9")));
            for (Plan p : bad) {
                RunRejectedException e = assertThrows(RunRejectedException.class, () -> h.engine.submit(p), p.name());
                assertTrue(e.getMessage().startsWith("unknown device 'det9' (known: "), e.getMessage());
                assertTrue(e.getMessage().contains("det1, m1, m2, m3"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), "one line");
            }
            RunRejectedException motor = assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.scan(List.of("det1"), "m9", 0, 1, 3, null)));
            assertTrue(motor.getMessage().startsWith("unknown device 'm9' (known: "), motor.getMessage());
            assertEquals(EngineState.IDLE, h.engine.state());
            assertEquals(runsBefore, h.engine.runs().size(), "no run was opened");
            assertEquals(0.0, h.bench.motors.get(0).position(), "nothing moved");
            assertTrue(assertThrows(org.kumiki.lab.api.DeviceException.class, () -> h.engine.read("det\u001b[2J")).getMessage()
                    .startsWith("unknown device 'det?[2J' (known: "), "no terminal escape in the message");
            // a plan whose devices are all known runs
            assertEquals(RunStatus.SUCCESS, run(h, h.plans.count(List.of("det1"), 2, 0, null)).status);
        }
    }

    @Test
    void pauseAndAbortCanBeAwaitedAndTheNextPlanIsNotBusy(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            TestDevices.SlowStop slow = new TestDevices.SlowStop("slow1", 300);
            h.add(slow);
            assertThrows(IllegalArgumentException.class, () -> h.engine.awaitState(10));
            assertTrue(h.engine.awaitState(0, EngineState.IDLE), "already there");
            assertFalse(h.engine.awaitState(20, EngineState.PAUSED), "times out");
            var f = h.engine.submit(h.plans.count(List.of("slow1"), 1_000_000, 0.001, null)).toCompletableFuture();
            Harness.await(() -> slow.triggers.get() >= 2, "two points");
            h.engine.pause(false);
            assertTrue(h.engine.awaitState(30_000, EngineState.PAUSED), "paused");
            assertEquals(1, slow.stops.get(), "the pause stopped the device before PAUSED");
            h.engine.resume();
            Harness.await(() -> h.engine.state() == EngineState.RUNNING, "running again");
            h.engine.abort("enough");
            assertTrue(h.engine.awaitState(30_000, EngineState.IDLE), "ended");
            assertEquals(2, slow.stops.get(), "the abort stopped the device before IDLE");
            // what the next command does at once: submit another plan
            RunSummaryDTO next = run(h, h.plans.count(List.of("det1"), 1, 0, null));
            assertEquals(RunStatus.SUCCESS, next.status);
            assertEquals(RunStatus.ABORT, f.get(60, TimeUnit.SECONDS).status);
        }
    }

    @Test
    void dsHasExactlyOneConstructorToChoose() {
        // SCR picks the public constructor with as many arguments as the @Activate one: a second
        // public constructor of that length made it log "unsupported type java.nio.file.Path"
        for (Class<?> c : List.of(RunEngineImpl.class, PlansImpl.class)) {
            assertEquals(1, c.getConstructors().length, c.getName() + " has more than one public constructor");
        }
    }

    @Test
    void hostileMetadataAndBrokenPlansFailCleanly(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            assertThrows(IllegalArgumentException.class, () -> h.plans.count(List.of("det1"), 2, 0, Map.of("bad.key", 1)));
            assertThrows(IllegalArgumentException.class, () -> h.plans.count(List.of("det1"), 2, 0, Map.of("x", Map.of("a/b", 1))));
            var bad = h.engine.submit(h.plans.of(List.of(Msg.openRun(Map.of("bad.key", 1)), Msg.closeRun()))).toCompletableFuture();
            java.util.concurrent.ExecutionException ex = assertThrows(java.util.concurrent.ExecutionException.class, () -> bad.get(60, TimeUnit.SECONDS));
            assertTrue(ex.getCause().getMessage().contains("'bad.key'"), ex.getCause().getMessage());
            Harness.await(() -> h.engine.state() == EngineState.IDLE, "idle");
            Plan boom = new Plan() {
                int i;

                @Override
                public Msg next(Object r) {
                    if (i++ == 0) return Msg.openRun(Map.of());
                    throw new IllegalStateException("plan bug");
                }
            };
            RunSummaryDTO b = run(h, boom);
            assertEquals(RunStatus.FAIL, b.status);
            assertTrue(b.reason.contains("plan bug"));
            checkRun(ofRun(h.seenUntilStop(b.uid), b.uid), 0);
            for (Map<String, String> args : List.of(Map.of("dets", "det1", "num", "-1"), Map.of("dets", "det1", "num", "1e99"), Map.of("dets", ""),
                    Map.of("dets", "det1", "num", "2", "evil", "x"), Map.of("dets", "det1", "delay", "NaN"))) {
                assertThrows(RunRejectedException.class, () -> h.plans.create("count", args), args.toString());
            }
            assertThrows(RunRejectedException.class, () -> h.plans.create("grid_scan", Map.of("dets", "det1", "axes", "m1:0:1")));
            assertThrows(RunRejectedException.class, () -> h.plans.create("grid_scan", Map.of("dets", "det1", "axes", "m1:0:1:100000,m2:0:1:100000")));
            assertThrows(RunRejectedException.class, () -> h.plans.create("list_scan", Map.of("dets", "det1", "points", "m1=1,2;m2=1")));
            assertThrows(RunRejectedException.class, () -> h.plans.create("rm -rf", Map.of()));
            assertThrows(RunRejectedException.class, () -> h.engine.documents("../../etc/passwd"));
            assertThrows(RunRejectedException.class, () -> h.engine.documents("run-00000000-0000-0000-0000-000000000000"));
            assertThrows(RunRejectedException.class, () -> h.engine.resume());
        }
    }

    @Test
    void deferredAndImmediatePausesLoseAndRepeatNothing(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            TestDevices.Flaky counter = new TestDevices.Flaky("ctr");
            h.add(counter);
            var f = h.engine.submit(h.plans.scan(List.of("ctr"), "m1", 0, 20, 41, null)).toCompletableFuture();
            Harness.await(() -> counter.triggers.get() >= 3, "three points");
            h.engine.pause(true);
            Harness.await(() -> h.engine.state() == EngineState.PAUSED, "deferred pause");
            assertTrue(h.engine.currentRun().isPresent());
            h.engine.resume();
            Harness.await(() -> counter.triggers.get() >= 10, "ten points");
            h.engine.pause(false);
            Harness.await(() -> h.engine.state() == EngineState.PAUSED, "immediate pause");
            assertFalse(h.bench.motors.get(0).isMoving(), "an immediate pause stops motion");
            h.engine.resume();
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            List<DocumentDTO> events = checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 41);
            // each point was measured with m1 where the plan put it
            for (int i = 0; i < 41; i++) {
                Map<?, ?> data = (Map<?, ?>) events.get(i).doc.get("data");
                assertEquals(i * 0.5, ((Number) data.get("m1")).doubleValue(), 1e-9);
            }
        }
    }

    @Test
    void suspenderSuspendsAndResumesOnlyPastTheHysteresis(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            TestDevices.Signal beam = new TestDevices.Signal("beam", 100);
            TestDevices.Flaky counter = new TestDevices.Flaky("ctr");
            h.add(beam);
            h.add(counter);
            SuspenderDTO sp = new SuspenderDTO();
            sp.device = "beam";
            sp.low = 50.0;
            sp.hysteresis = 10;
            String id = h.engine.addSuspender(sp);
            var f = h.engine.submit(h.plans.count(List.of("ctr"), 30, 0.01, null)).toCompletableFuture();
            Harness.await(() -> counter.triggers.get() >= 5, "five points");
            beam.value = 20;
            Harness.await(() -> h.engine.state() == EngineState.SUSPENDED, "suspension");
            long atSuspend = counter.triggers.get();
            beam.value = 55; // back inside the limit but not past the hysteresis band
            long reads = beam.reads.get();
            Harness.await(() -> beam.reads.get() >= reads + 10, "ten more polls of the signal");
            assertEquals(EngineState.SUSPENDED, h.engine.state(), "55 < 50 + 10: stays suspended");
            assertEquals(atSuspend, counter.triggers.get(), "nothing measured while suspended");
            beam.value = 61;
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            List<DocumentDTO> events = checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 30);
            h.engine.removeSuspender(id);
            assertTrue(h.engine.suspenders().isEmpty());
            assertThrows(RunRejectedException.class, () -> {
                SuspenderDTO bad = new SuspenderDTO();
                bad.device = "beam";
                bad.low = 10.0;
                bad.high = 12.0;
                bad.hysteresis = 1.5;
                h.engine.addSuspender(bad);
            });
            assertNotNull(events);
        }
    }

    @Test
    void disconnectedInstrumentSuspendsAndTheRunResumesWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            TestDevices.Flaky ctr = new TestDevices.Flaky("ctr");
            ctr.dropAt = 7;
            h.add(ctr);
            var f = h.engine.submit(h.plans.count(List.of("ctr", "det1"), 20, 0, null)).toCompletableFuture();
            Harness.await(() -> h.engine.state() == EngineState.SUSPENDED, "suspension on disconnect");
            h.engine.pause(false); // an immediate pause asked for while suspended is kept
            ctr.connected = true; // plugged back in
            Harness.await(() -> h.engine.state() == EngineState.PAUSED, "the pause after the suspension");
            h.engine.resume();
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            List<DocumentDTO> events = checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), 20);
            // trigger 7 failed; its point was taken again as trigger 8: values 1..6, 8..21
            List<Long> values = new ArrayList<>();
            for (DocumentDTO e : events) values.add(((Number) ((Map<?, ?>) e.doc.get("data")).get("ctr")).longValue());
            assertEquals(values.stream().distinct().count(), values.size(), "no duplicates: " + values);
            assertEquals(6L, values.get(5));
            assertEquals(8L, values.get(6));
        }
    }

    @Test
    void emergencyStopHaltsEveryMotorAndRefusesMotionUntilReset(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir, RunEngineImpl.Settings.defaults(), 1, 10)) {
            var f = h.engine.submit(h.plans.gridScan(List.of("det1"), List.of(AxisDTO.of("m1", 0, 40, 3), AxisDTO.of("m2", 0, 40, 3)), false, null))
                    .toCompletableFuture();
            // move m3 outside the run: a second motor in motion
            Thread mover = new Thread(() -> {
                try {
                    h.engine.set("m3", 30.0, 60_000);
                } catch (Exception e) {
                    // stopped by the emergency stop
                }
            });
            mover.start();
            Harness.await(() -> h.bench.motors.get(0).isMoving() || h.bench.motors.get(1).isMoving(), "a scan motor moving");
            Harness.await(() -> h.bench.motors.get(2).isMoving(), "m3 moving");
            List<String> failed = h.engine.emergencyStop("test");
            assertTrue(failed.isEmpty(), "not stopped: " + failed);
            for (SimMotor m : h.bench.motors) assertFalse(m.isMoving(), m.name() + " still moving");
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.ABORT, s.status);
            assertTrue(s.reason.contains("emergency stop"), s.reason);
            mover.join(10_000);
            assertTrue(h.engine.emergencyStopActive());
            assertThrows(EmergencyStopException.class, () -> h.engine.set("m1", 1.0, 1000));
            assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.count(List.of("det1"), 1, 0, null)));
            double p = h.bench.motors.get(0).position();
            h.engine.reset();
            assertFalse(h.engine.emergencyStopActive());
            h.engine.set("m1", p + 0.5, 10_000);
            assertEquals(p + 0.5, h.bench.motors.get(0).position(), 1e-9);
            checkRun(ofRun(h.seenUntilStop(s.uid), s.uid), (int) (long) s.numEvents.getOrDefault("primary", 0L));
        }
    }

    @Test
    void aRunOwnsItsInstrumentsAndStopAndAbortCloseIt(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir, RunEngineImpl.Settings.defaults(), 2, 20)) {
            var f = h.engine.submit(h.plans.scan(List.of("det1"), "m1", 0, 10, 11, null)).toCompletableFuture();
            Harness.await(() -> h.bench.motors.get(0).isMoving(), "m1 moving");
            InstrumentLockedException e = assertThrows(InstrumentLockedException.class, () -> h.engine.set("m1", 1.0, 1000));
            assertTrue(e.getMessage().contains("owned by"));
            assertThrows(RunRejectedException.class, () -> h.engine.submit(h.plans.count(List.of("det1"), 1, 0, null)), "busy");
            assertTrue(h.engine.devices().stream().anyMatch(d -> d.name.equals("m1") && d.lockedBy != null));
            h.engine.stop();
            RunSummaryDTO s = f.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.SUCCESS, s.status);
            assertTrue(h.engine.devices().stream().allMatch(d -> d.lockedBy == null), "locks released");
            var g = h.engine.submit(h.plans.scan(List.of("det1"), "m1", 0, 10, 11, null)).toCompletableFuture();
            Harness.await(() -> h.engine.state() == EngineState.RUNNING && h.engine.currentRun().isPresent(), "running");
            h.engine.abort("enough");
            RunSummaryDTO a = g.get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.ABORT, a.status);
            assertEquals("enough", a.reason);
            checkRun(ofRun(h.seenUntilStop(a.uid), a.uid), (int) (long) a.numEvents.getOrDefault("primary", 0L));
        }
    }

    @Test
    void externalDataMakeResourceAndDatumDocuments(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            h.add(new TestDevices.Camera());
            RunSummaryDTO s = run(h, h.plans.count(List.of("cam1"), 3, 0, null));
            List<DocumentDTO> docs = ofRun(h.seenUntilStop(s.uid), s.uid);
            List<DocumentDTO> events = checkRun(docs, 3);
            assertEquals(1, docs.stream().filter(d -> d.name.equals("resource")).count());
            List<DocumentDTO> datums = docs.stream().filter(d -> d.name.equals("datum")).toList();
            assertEquals(3, datums.size());
            for (int i = 0; i < 3; i++) {
                Map<?, ?> ev = events.get(i).doc;
                assertEquals(datums.get(i).doc.get("datum_id"), ((Map<?, ?>) ev.get("data")).get("cam1_image"));
                assertEquals(Map.of("cam1_image", false), ev.get("filled"));
            }
            Map<?, ?> key = (Map<?, ?>) ((Map<?, ?>) docs.stream().filter(d -> d.name.equals("descriptor")).findFirst().get().doc.get("data_keys")).get("cam1_image");
            assertEquals("FILESTORE:", key.get("external"));
            assertEquals(List.of(64, 64), key.get("shape"));
        }
    }

    @Test
    void aDeviceWhoseStopHangsDoesNotHoldUpTheOthers(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir, RunEngineImpl.Settings.defaults(), 1, 10)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            org.kumiki.lab.api.Stoppable stuck = new org.kumiki.lab.api.Stoppable() {
                @Override public String name() { return "aaa_stuck"; }

                @Override
                public void stop() {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            h.add(stuck);
            for (SimMotor m : h.bench.motors) m.set(40.0);
            List<List<String>> failed = new ArrayList<>();
            Thread t = new Thread(() -> failed.add(h.engine.stopAll(List.of(stuck, h.bench.motors.get(0), h.bench.motors.get(1), h.bench.motors.get(2)), 200)));
            t.start();
            // whichever thread took the stuck device, the others stop while it still hangs
            Harness.await(() -> h.bench.motors.stream().noneMatch(SimMotor::isMoving), "the other motors stopped");
            assertEquals(1, release.getCount(), "the stuck device is still stuck");
            release.countDown();
            t.join(30_000);
            assertTrue(failed.get(0).isEmpty() || failed.get(0).equals(List.of("aaa_stuck")), failed.toString());
        }
    }
}
