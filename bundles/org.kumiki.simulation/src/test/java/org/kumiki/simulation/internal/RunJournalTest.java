package org.kumiki.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.md.internal.MdEngine;

/** Runs are journaled at start and at each thermo output: a kill mid-way leaves an INTERRUPTED run with its thermo. */
class RunJournalTest {
    @TempDir
    Path state;

    @Test
    void aRunKilledMidWayIsListedInterruptedWithItsThermoAfterARestart() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SimulationCrashChild.class.getName(),
            state.toString()).redirectErrorStream(true).start();
        String ready = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                seen.append(line).append('\n');
                if (line.startsWith("READY")) {
                    ready = line;
                    break;
                }
            }
            assertTrue(ready != null, "child did not get ready:\n" + seen);
        } finally {
            child.destroyForcibly(); // kill -9 in the middle of the run
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        String id = ready.split(" ")[1];
        int rowsSeen = Integer.parseInt(ready.split(" ")[2]);
        assertTrue(!Files.exists(state.resolve("runs").resolve(id).resolve("run.json")), "no run.json before the end");

        SimulationServiceImpl again = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), state, 1);
        try {
            RunDTO r = again.get(id).orElseThrow(() -> new AssertionError("the run vanished"));
            assertEquals(RunState.INTERRUPTED, r.state);
            assertEquals("long", r.name);
            assertTrue(r.message.startsWith("interrupted at step ") && r.message.contains(" of 10000000: the container stopped while it ran"), r.message);
            assertTrue(r.started > 0);
            SimulationResultDTO res = again.results(id);
            assertTrue(res.thermo.size() >= rowsSeen, res.thermo.size() + " rows, " + rowsSeen + " seen before the kill");
            for (int i = 0; i < res.thermo.size(); i++) {
                assertEquals(100L * i, res.thermo.get(i).step, "row " + i);
            }
            assertEquals(res.thermo.get(res.thermo.size() - 1).step, r.step);
            assertTrue(again.list().stream().anyMatch(d -> d.id.equals(id) && d.state == RunState.INTERRUPTED));
            assertEquals(RunState.INTERRUPTED, again.await(id).toCompletableFuture().get(1, TimeUnit.SECONDS).state);
            assertTrue(!again.cancel(id), "an interrupted run has ended");
        } finally {
            again.deactivate();
        }
        // it moved to run.json: a third start lists it the same, and the journal holds nothing
        SimulationServiceImpl third = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), state, 1);
        try {
            assertEquals(RunState.INTERRUPTED, third.get(id).orElseThrow().state);
        } finally {
            third.deactivate();
        }
        assertEquals(List.of(), liveKeys());
    }

    @Test
    void aRunThatEndsLeavesNothingInTheJournalAndReloadsAsItEnded() throws Exception {
        SimulationServiceImpl service = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), state, 1);
        RunDTO r;
        try {
            service.addEngine(new MdEngine());
            var s = SimulationServiceImplTest.small();
            s.steps = 2500;
            s.thermoEvery = 10; // 251 rows: three journal records of thermo
            r = service.submit(s);
            assertEquals(RunState.COMPLETED, service.await(r.id).toCompletableFuture().get(60, TimeUnit.SECONDS).state);
        } finally {
            service.deactivate();
        }
        assertEquals(List.of(), liveKeys());
        SimulationServiceImpl again = new SimulationServiceImpl(JournalFactoryComponent.withInterval(5), state, 1);
        try {
            assertEquals(RunState.COMPLETED, again.get(r.id).orElseThrow().state);
            List<ThermoDTO> rows = again.results(r.id).thermo;
            assertEquals(251, rows.size());
        } finally {
            again.deactivate();
        }
    }

    List<String> liveKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        JournalFactoryComponent.withInterval(5).open(state.resolve("journal"), (k, v) -> keys.add(k)).close();
        return keys;
    }
}
