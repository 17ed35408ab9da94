package org.kumiki.lab.engine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.sim.internal.SimLab;
import org.kumiki.platform.internal.JournalFactoryComponent;

/** The real engine on the real platform journal, with a simulated bench, wired by hand. */
final class Harness implements AutoCloseable {
    final RunEngineImpl engine;
    final PlansImpl plans = new PlansImpl();
    final SimLab.Bench bench;
    final List<DocumentDTO> seen = Collections.synchronizedList(new ArrayList<>());
    final AutoCloseable subscription;

    static JournalFactoryComponent journals() {
        return JournalFactoryComponent.withInterval(20);
    }

    Harness(Path state) throws Exception {
        this(state, RunEngineImpl.Settings.defaults(), 20, 200);
    }

    Harness(Path state, RunEngineImpl.Settings settings, double velocity, double acceleration) throws Exception {
        engine = RunEngineImpl.create(journals(), state, settings);
        bench = SimLab.build(new String[] {"m1", "m2", "m3"}, velocity, acceleration, -50, 50, "det1", 0, 1, "tc1", 0.05, 0.5, "robot1", 0,
                "spec1", 0.0, 7);
        for (Device d : bench.all()) add(d);
        subscription = engine.subscribe((name, doc) -> seen.add(DocumentDTO.of(name, doc)));
    }

    void add(Device d) {
        engine.addDevice(d, Map.of(LabConstants.DEVICE_NAME, d.name(), LabConstants.DEVICE_KIND, "test"));
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    List<DocumentDTO> seenUntilStop(String runUid) throws InterruptedException {
        await(() -> {
            synchronized (seen) {
                return seen.stream().anyMatch(d -> d.name.equals("stop") && runUid.equals(d.doc.get("run_start")));
            }
        }, "the stop document of " + runUid);
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
        engine.close();
    }
}
