package org.kumiki.lab.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.engine.internal.PlansImpl;
import org.kumiki.lab.engine.internal.RunEngineImpl;
import org.kumiki.lab.sim.internal.SimLab;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.platform.shelltest.GogoShell;

/**
 * lab:pause -i and lab:abort return once the engine got there, so the command typed next
 * (lab:state, lab:plan) sees PAUSED or IDLE, not "busy". The detector's stop() takes 300 ms, as
 * a networked instrument's acknowledgement does: without the wait, the next command would run
 * while the engine is still stopping it.
 */
class LabControlWaitShellTest {

    @TempDir
    Path dir;
    RunEngineImpl engine;
    GogoShell shell;
    final SlowStop slow = new SlowStop();

    /** A counter whose stop() takes 300 ms. */
    static final class SlowStop implements Readable, Triggerable, Stoppable {
        final AtomicLong triggers = new AtomicLong();

        @Override public String name() { return "slow1"; }

        @Override
        public CompletionStage<Void> trigger() {
            triggers.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<String, ReadingDTO> read() {
            return Map.of("slow1", ReadingDTO.of(triggers.get(), System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            return Map.of("slow1", DataKeyDTO.number("TEST:slow1", null, "slow1"));
        }

        @Override
        public void stop() {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @BeforeEach
    void givenAShellOverTheEngine() throws Exception {
        engine = RunEngineImpl.create(JournalFactoryComponent.withInterval(20), dir, RunEngineImpl.Settings.defaults());
        SimLab.Bench bench = SimLab.build(new String[] {"m1"}, 20, 200, -10, 10, "det1", 0, 1, "tc1", 0.05, 0.5, "robot1", 0, "spec1", 0, 3);
        for (Device d : bench.all()) engine.addDevice(d, Map.of(LabConstants.DEVICE_NAME, d.name()));
        engine.addDevice(slow, Map.of(LabConstants.DEVICE_NAME, "slow1"));
        shell = new GogoShell().add("lab", new LabCommands(engine, new PlansImpl()), "plan", "pause", "resume", "abort", "state", "runs");
    }

    @AfterEach
    void stop() {
        shell.close();
        engine.close();
    }

    void awaitTriggers(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slow.triggers.get() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + n + " points");
            Thread.sleep(2);
        }
    }

    @Test
    void pauseImmediatelyAndAbortReturnOnceTheyTookEffect() throws Exception {
        shell.run("lab:plan count dets=slow1 num=1000000 delay=0.001");
        awaitTriggers(2);
        String paused = shell.run("lab:pause -i");
        assertTrue(paused.startsWith("Paused"), paused);
        assertTrue(shell.run("lab:state").contains("state: PAUSED"), "the next command sees the pause");
        shell.run("lab:resume");
        long before = slow.triggers.get();
        awaitTriggers(before + 1);
        String aborted = shell.run("lab:abort operator said so");
        assertTrue(aborted.startsWith("Aborted"), aborted);
        assertTrue(shell.run("lab:state").contains("state: IDLE"), "the next command sees the end");
        // the very next plan is accepted, not refused as busy
        String next = shell.run("lab:plan --wait count dets=det1 num=1");
        assertTrue(next.contains("success"), next);
        assertTrue(shell.run("lab:runs").contains("operator said so"));
        // an immediate pause of a paused run, and an abort of a paused run, return at once
        shell.run("lab:plan count dets=slow1 num=1000000 delay=0.001");
        long now = slow.triggers.get();
        awaitTriggers(now + 2);
        shell.run("lab:pause -i");
        assertTrue(shell.run("lab:pause -i").startsWith("Paused"));
        assertTrue(shell.run("lab:abort").startsWith("Aborted"));
        assertEquals("IDLE", engine.state().name());
    }
}
