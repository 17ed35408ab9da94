package org.kumiki.simulation.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.internal.SimulationServiceImpl;
import org.kumiki.simulation.md.internal.MdEngine;

class SimulationCommandsTest {
    @TempDir
    Path state;

    SimulationServiceImpl service;
    SimulationCommands cmd;

    @BeforeEach
    void start() throws Exception {
        service = new SimulationServiceImpl(state, 1);
        service.addEngine(new MdEngine());
        cmd = new SimulationCommands(service);
    }

    @AfterEach
    void stop() throws Exception {
        var m = SimulationServiceImpl.class.getDeclaredMethod("deactivate");
        m.setAccessible(true);
        m.invoke(service);
    }

    @Test
    void listsEnginesRunsAndShowsResults() throws Exception {
        assertTrue(cmd.engines().contains("md"));
        assertEquals("No runs.\n", cmd.status());
        String out = cmd.run("-w", "-t", "120", "cells=4", "steps=50", "thermoEvery=10", "threads=1", "name=demo");
        assertTrue(out.contains("COMPLETED"), out);
        assertTrue(out.contains("TEMP"), out);
        String id = out.substring(0, out.indexOf(' '));
        assertTrue(cmd.status().contains(id));
        assertTrue(cmd.status(id).contains("step=50/50"));
        assertTrue(cmd.results(id).contains("atom-steps/s"));
        assertTrue(cmd.cancel(id).contains("already ended"));
    }

    @Test
    void parsesSpecsAndRejectsNonsense() throws Exception {
        SimulationSpec s = SimulationCommands.spec(Map.of("cells", "3", "timestep", "0.002", "neighborCheck", "false"));
        assertEquals(3, s.cellsZ);
        assertEquals(0.002, s.timestep);
        assertEquals(false, s.neighborCheck);
        SimulationSpec mpi = SimulationCommands.spec(Map.of("engine", "lammps", "ranks", "4", "backend", "slurm"));
        assertEquals(4, mpi.ranks);
        assertEquals("slurm", mpi.backend);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationCommands.spec(Map.of("ranks", "two"))).getMessage().startsWith("bad value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("colour=blue")).getMessage().contains("unknown key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("steps=lots")).getMessage().contains("bad value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("--frobnicate")).getMessage().contains("unexpected argument"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("steps=1", "steps=2")).getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("-t")).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("-t", "-5")).getMessage().contains("must not be negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("script=x")).getMessage().contains("scriptFile"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.run("scriptFile=/nonexistent")).getMessage().contains("not found"));
        assertTrue(assertThrows(SimulationRejectedException.class, () -> cmd.run("timestep=-1")).getMessage().contains("timestep"));
        assertTrue(assertThrows(SimulationRejectedException.class, () -> cmd.run("cells=1")).getMessage().contains("smaller"));
        assertThrows(SimulationRejectedException.class, () -> cmd.results("run-nope"));
        assertThrows(IllegalArgumentException.class, () -> cmd.status("run-nope"));
        assertThrows(IllegalArgumentException.class, () -> cmd.cancel());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.sweep("temperature=1,x")).getMessage().contains("expected a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.sweep("--cpus", "0", "temperature=1")).getMessage().contains("cpus"));
        // the toolkit's grammars: durations with units, whole CPU counts, finite numbers only
        assertEquals(300, SimulationCommands.Options.parse(new String[] {"-t", "5m"}, false).timeoutSeconds);
        assertEquals(5400, SimulationCommands.Options.parse(new String[] {"--timeout", "1h30m"}, false).timeoutSeconds);
        assertEquals(120, SimulationCommands.Options.parse(new String[] {"-t", "120"}, false).timeoutSeconds);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationCommands.Options.parse(new String[] {"-t", "0.5"}, false)).getMessage()
                .contains("between 1s and 365d"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.sweep("--cpus", "2.5", "temperature=1")).getMessage().contains("whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.sweep("temperature=1,1e400")).getMessage().contains("too large"));
        String m = assertThrows(IllegalArgumentException.class, () -> cmd.sweep("temperature=1,\u001b[2J")).getMessage();
        assertTrue(m.contains("\\u001b[2J") && m.indexOf('\u001b') < 0, m);
        assertEquals("No sweeps.\n", cmd.sweep());
        assertEquals("unknown sweep 'sweep-nope-1'", assertThrows(IllegalArgumentException.class, () -> cmd.sweep("sweep-nope-1")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cmd.sweep("sweep-\u001b[2J")).getMessage().contains("\\u001b"));
        // no scheduler here: the sweep is refused with the reason
        assertTrue(assertThrows(SimulationRejectedException.class, () -> cmd.sweep("cells=4", "temperature=1,2")).getMessage().contains("no scheduler"));
        Path script = state.resolve("in.x");
        Files.writeString(script, "units lj\n");
        // the script needs engine lammps, which is not registered here
        assertTrue(assertThrows(SimulationRejectedException.class, () -> cmd.run("scriptFile=" + script)).getMessage().contains("unknown engine"));
        assertEquals("No runs.\n", cmd.status());
    }

    @Test
    void controlCharactersAreNotEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cmd.run("\u001b[31mred"));
        assertTrue(!e.getMessage().contains("\u001b"), e.getMessage());
    }
}
