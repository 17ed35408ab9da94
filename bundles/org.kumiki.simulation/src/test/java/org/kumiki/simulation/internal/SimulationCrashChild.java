package org.kumiki.simulation.internal;

import java.nio.file.Path;

import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.md.internal.MdEngine;

/**
 * Runs in a separate JVM that {@link RunJournalTest} kills with SIGKILL: starts a long run,
 * prints READY once it has reported a few thermo rows, and keeps running until killed.
 */
public final class SimulationCrashChild {
    public static void main(String[] args) throws Exception {
        SimulationServiceImpl service = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), Path.of(args[0]), 1);
        service.addEngine(new MdEngine());
        SimulationSpec s = new SimulationSpec();
        s.name = "long";
        s.cellsX = s.cellsY = s.cellsZ = 4;
        s.steps = 10_000_000;
        s.thermoEvery = 100;
        s.threads = 1;
        RunDTO r = service.submit(s);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (service.results(r.id).thermo.size() < 5) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no thermo output");
            }
            Thread.sleep(10);
        }
        Thread.sleep(200); // longer than the journal's background sync interval
        System.out.println("READY " + r.id + " " + service.results(r.id).thermo.size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
