package org.kumiki.lab.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.engine.internal.PlansImpl;
import org.kumiki.lab.engine.internal.RunEngineImpl;
import org.kumiki.lab.sim.internal.SimLab;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.platform.shelltest.GogoShell;

/** The commands through a real Gogo shell, on the real engine, journal and simulated bench. */
class LabShellTest {

    @TempDir
    Path dir;
    RunEngineImpl engine;
    SimLab.Bench bench;
    GogoShell shell;

    @BeforeEach
    void givenAShellOverTheEngine() throws Exception {
        JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
        engine = RunEngineImpl.create(journals, dir, RunEngineImpl.Settings.defaults());
        bench = SimLab.build(new String[] {"m1", "m2"}, 20, 200, -10, 10, "det1", 0, 1, "tc1", 0.05, 0.5, "robot1", 0, "spec1", 0, 3);
        for (Device d : bench.all()) engine.addDevice(d, Map.of(LabConstants.DEVICE_NAME, d.name(), LabConstants.DEVICE_KIND, "sim", LabConstants.DEVICE_VENDOR, "kumiki-sim"));
        LabCommands commands = new LabCommands(engine, new PlansImpl());
        shell = new GogoShell().add("lab", commands, "devices", "read", "set", "plan", "pause", "resume", "finish", "abort", "estop", "reset", "state", "runs", "docs");
    }

    @AfterEach
    void stop() {
        shell.close();
        engine.close();
    }

    String run(String line) throws Exception {
        return shell.run(line);
    }

    String fails(String line) {
        return String.valueOf(shell.failure(line).getMessage());
    }

    @Test
    void devicesReadAndSet() throws Exception {
        String d = run("lab:devices");
        assertTrue(d.contains("m1") && d.contains("movable,stoppable") && d.contains("kumiki-sim") && d.contains("[-10.0000, 10.0000]"), d);
        String s = run("lab:set m1 2.5");
        assertTrue(s.contains("set m1 to 2.50000"), s);
        assertEquals(2.5, bench.motors.get(0).position(), 1e-12);
        String r = run("lab:read m1 det1");
        assertTrue(r.contains("m1_setpoint") && r.contains("det1"), r);
        run("lab:set robot1 '{\"ratio_a\": 0.4, \"ratio_b\": 0.3, \"temperature\": 340}'");
        assertEquals(0.4, bench.robot.product().ratioA(), 1e-12);
        assertTrue(fails("lab:set m1 11").contains("outside the soft limits"));
        assertTrue(fails("lab:set m1 NaN").contains("expected a number"));
        assertTrue(fails("lab:set m1 '1;reboot'").contains("expected a number"));
        assertTrue(fails("lab:set nope 1").contains("unknown device"));
        assertTrue(fails("lab:set '../m1' 1").contains("bad device name"));
        assertTrue(fails("lab:set robot1 '{\"ratio_a\": 2}'").contains("ratio"));
        assertTrue(fails("lab:set robot1 '{broken'").contains("not a JSON object"));
        assertTrue(fails("lab:set -t -5 m1 1").contains("--timeout"));
        assertTrue(fails("lab:read det9").contains("unknown device"));
        assertTrue(fails("lab:read").contains("usage"));
        assertEquals(2.5, bench.motors.get(0).position(), 1e-12, "nothing moved");
    }

    @Test
    void plansRunsAndDocuments() throws Exception {
        String out = run("lab:plan --wait scan dets=det1 motor=m1 start=-1 stop=1 num=5 md.sample=Si");
        assertTrue(out.contains("success") && out.contains("scan"), out);
        String runs = run("lab:runs");
        String uid = runs.lines().filter(l -> l.startsWith("run-")).findFirst().orElseThrow().split("\\s+")[0];
        String docs = run("lab:docs " + uid);
        assertTrue(docs.contains("start") && docs.contains("descriptor") && docs.contains("#5") && docs.contains("stop"), docs);
        String json = run("lab:docs -j " + uid);
        assertEquals(8, json.lines().count(), json);
        assertTrue(json.lines().findFirst().orElseThrow().startsWith("[\"start\",{"), json);
        assertTrue(json.contains("\"sample\":\"Si\""));
        run("lab:plan -w count dets=det1 num=3");
        run("lab:plan -w grid_scan dets=det1 axes=m1:0:1:2,m2:0:1:2 snake=true");
        run("lab:plan -w list_scan dets=det1 points=m1:0:1,m2:1:0");
        assertTrue(run("lab:runs -n 2").lines().filter(l -> l.startsWith("run-")).count() == 2);
        assertTrue(fails("lab:plan scan dets=det1 motor=m1 start=0 stop=11 num=3").contains("outside the soft limits"));
        assertTrue(fails("lab:plan bogus").contains("unknown plan"));
        assertTrue(fails("lab:plan count dets=det1 num=x").contains("integer"));
        assertTrue(fails("lab:plan count det1").contains("KEY=VALUE"));
        assertTrue(fails("lab:plan count dets=det1 dets=det1").contains("twice"));
        assertTrue(fails("lab:plan count dets=det1 md.a.b=1").contains("'a.b'"));
        assertTrue(fails("lab:plan").contains("usage"));
        assertTrue(fails("lab:docs ../../../etc/passwd").contains("not a run uid"));
        assertTrue(fails("lab:docs run-00000000-0000-0000-0000-000000000000").contains("unknown run"));
        assertTrue(fails("lab:runs -n -1").contains("--limit"));
    }

    @Test
    void pauseResumeAbortEstopReset() throws Exception {
        assertTrue(fails("lab:pause").contains("no run"));
        assertTrue(fails("lab:resume").contains("nothing to resume"));
        assertTrue(fails("lab:abort").contains("no run"));
        run("lab:plan count dets=det1 num=100000 delay=0.01");
        assertTrue(engine.currentRun().isPresent());
        run("lab:pause");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!run("lab:state").contains("PAUSED") && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(run("lab:state").contains("state: PAUSED"));
        run("lab:resume");
        run("lab:pause -i");
        while (!run("lab:state").contains("PAUSED") && System.nanoTime() < deadline) Thread.sleep(5);
        run("lab:abort operator said so");
        while (engine.currentRun().isPresent() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(run("lab:runs").contains("operator said so"));
        String e = run("lab:estop drill");
        assertTrue(e.contains("EMERGENCY STOP"), e);
        assertTrue(run("lab:state").contains("emergency stop: ACTIVE"));
        assertTrue(fails("lab:set m1 1").contains("emergency stop is active"));
        assertTrue(fails("lab:plan count dets=det1 num=1").contains("emergency stop"));
        assertTrue(run("lab:reset").contains("cleared"));
        run("lab:set m1 1");
        assertTrue(run("lab:reset").contains("No emergency stop"));
    }

    /** A Gogo command object as the framework's felix:stop: stop 0 stops the system bundle. */
    public static final class FrameworkCommands {
        final java.util.List<Long> stopped = new java.util.ArrayList<>();

        public void stop(long... ids) {
            for (long id : ids) stopped.add(id);
        }
    }

    @Test
    void stopZeroIsTheFrameworksStopNotTheLabs() throws Exception {
        // lab:stop shadowed felix:stop, so "stop 0" (the README's way out) failed: "Cannot coerce stop(Token)"
        FrameworkCommands felix = new FrameworkCommands();
        shell.add("felix", felix, "stop");
        run("stop 0");
        assertEquals(List.of(0L), felix.stopped);
        assertTrue(fails("lab:finish").contains("no run to finish"));
        run("lab:plan count dets=det1 num=1000 delay=0.01");
        assertTrue(run("lab:finish").contains("Stopping"));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (engine.currentRun().isPresent() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(run("lab:runs -n 1").contains("success"), run("lab:runs -n 1"));
    }

    @Test
    void listScanPointsSurviveTheShellAndTheOldFormFails() throws Exception {
        String out = run("lab:plan -w list_scan dets=det1 points=m1:2:1:0,m2:0:1:2");
        assertTrue(out.contains("success") && out.contains("list_scan"), out);
        assertEquals(2.0, bench.motors.get(1).position(), 1e-9, "m2 moved: the second axis was not lost");
        String uid = run("lab:runs -n 1").lines().filter(l -> l.startsWith("run-")).findFirst().orElseThrow().split("\\s+")[0];
        String docs = run("lab:docs " + uid);
        assertTrue(docs.contains("m1") && docs.contains("m2") && docs.contains("#3"), docs);
        // the README's old form: Gogo ends the command at ';' and ran a one-motor plan, reporting success
        String old = fails("lab:plan -w list_scan dets=det1 points=m1=1,2;m2=1,2");
        assertTrue(old.contains("points are MOTOR:V:V") && old.contains("';'"), old);
        assertEquals(1, run("lab:runs").lines().filter(l -> l.startsWith("run-")).count(), "no second run");
        assertTrue(fails("lab:plan list_scan dets=det1 points=m1:0:1,m1:1:0").contains("given twice"));
        assertTrue(fails("lab:plan list_scan dets=det1 points=m1:0:1,m2:1").contains("list_scan"));
        assertTrue(fails("lab:plan list_scan dets=det1 points=m1").contains("points are MOTOR:V:V"));
        assertTrue(fails("lab:plan list_scan dets=det1 points=m1:0:x").contains("expected a number"));
    }

    @Test
    void deviceTextCannotDriveTheTerminal() throws Exception {
        String m = LabCommands.deviceError(new org.kumiki.lab.api.DeviceException("fault\u001b[2J\u001b]0;owned\u0007\nnext")).getMessage();
        assertEquals("fault\\u001b[2J\\u001b]0;owned\\u0007\\nnext", m);
        assertTrue(fails("lab:set -t 5x m1 1").contains("--timeout"));
        assertTrue(fails("lab:set -t 2d m1 1").contains("between"));
        assertTrue(run("lab:set -t 30s m1 1").contains("set m1 to 1.00000"));
        assertTrue(fails("lab:runs -n 99999999999").contains("--limit"));
    }
}
