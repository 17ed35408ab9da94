package org.kumiki.simulation.lammps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.check.testing.RecordingRunContext;
import org.kumiki.simulation.api.spi.SimulationFailedException;

/** Against the real Debian LAMMPS. */
class LammpsEngineTest {
    static final Path LMP = Path.of(System.getenv().getOrDefault("KUMIKI_LMP", "/usr/bin/lmp"));

    @TempDir
    Path dir;

    final LammpsEngine engine = new LammpsEngine(LMP, 1, "mpirun");
    final RecordingRunContext context = new RecordingRunContext("run-test", () -> dir);
    final List<ThermoDTO> rows = context.rows;
    final List<String> warnings = context.warnings;
    final AtomicBoolean cancel = context.cancel;

    @BeforeEach
    void requireLammps() {
        if (!Files.isExecutable(LMP)) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_LAMMPS"))) {
                fail("KUMIKI_REQUIRE_LAMMPS=1 but " + LMP + " is missing (apt-get install lammps)");
            }
            Assumptions.abort("/usr/bin/lmp is missing");
        }
    }

    RunContext context() {
        return context;
    }

    @Test
    void theDefaultSpecIsInLjAndReproducesItsThermo() throws Exception {
        SimulationSpec s = new SimulationSpec();
        s.neighborEvery = 20;
        s.neighborCheck = false;
        SimulationResultDTO r = engine.run(s, context());
        assertEquals(2, r.thermo.size());
        assertEquals(1.44, r.thermo.get(0).temperature, 1e-9);
        assertEquals(-6.7733681, r.thermo.get(0).pairEnergy, 5e-8);
        assertEquals(-4.6134356, r.thermo.get(0).totalEnergy, 5e-8);
        assertEquals(-5.0197073, r.thermo.get(0).pressure, 5e-8);
        assertEquals(0.7574531, r.thermo.get(1).temperature, 5e-8);
        assertEquals(0.20726105, r.thermo.get(1).pressure, 5e-8);
        assertEquals(32000, r.atoms);
        assertEquals(100, r.steps);
        assertTrue(r.performance.startsWith("Performance:"), r.performance);
        assertTrue(r.atomStepsPerSecond > 0);
        assertEquals(rows.size(), r.thermo.size(), "rows were streamed");
    }

    @Test
    void aUserScriptErrorIsReportedWithLammpsOwnMessage() {
        SimulationSpec s = new SimulationSpec();
        s.model = SimulationSpec.MODEL_LAMMPS_SCRIPT;
        s.script = "units lj\natom_style atomic\nlattice fcc 0.8442\nregion box block 0 4 0 4 0 4\ncreate_box 1 box\n"
            + "pair_style nonsense 2.5\n";
        SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(e.getMessage().startsWith("LAMMPS: ERROR: Unrecognized pair style 'nonsense'"), e.getMessage());
    }

    @Test
    void writesTheFinalStateAndRunsNvt() throws Exception {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 5;
        s.ensemble = "nvt";
        s.targetTemperature = 1.0;
        s.steps = 200;
        s.thermoEvery = 50;
        s.writeData = true;
        SimulationResultDTO r = engine.run(s, context());
        assertEquals(5, r.thermo.size());
        assertTrue(Files.size(Path.of(r.files.get("final.data"))) > 500 * 20);
        assertTrue(Files.readString(Path.of(r.files.get("input"))).contains("fix 1 all nvt temp 1.0 1.0 0.5"));
    }

    @Test
    void anUnstableRunFails() {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 5;
        s.timestep = 0.09;
        s.steps = 2000;
        s.thermoEvery = 100;
        SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(e.getMessage().contains("ERROR") || e.getMessage().contains("unstable"), e.getMessage());
    }

    @Test
    void cancellationStopsLmp() throws Exception {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 5;
        s.steps = 50_000_000L;
        s.thermoEvery = 100;
        Thread t = new Thread(() -> {
            while (rows.size() < 2) {
                Thread.onSpinWait();
            }
            cancel.set(true);
        });
        t.setDaemon(true);
        t.start();
        long t0 = System.nanoTime();
        engine.run(s, context());
        assertTrue(rows.size() >= 2);
        assertTrue((System.nanoTime() - t0) < 60e9, "cancelled run ended");
    }

    @Test
    void missingExecutableAndNonsenseAreRejected() {
        LammpsEngine missing = new LammpsEngine(Path.of("/nonexistent/lmp"), 1, "mpirun");
        assertTrue(!missing.available());
        SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> missing.run(new SimulationSpec(), context()));
        assertTrue(e.getMessage().contains("not installed"), e.getMessage());
        SimulationSpec s = new SimulationSpec();
        s.model = SimulationSpec.MODEL_LAMMPS_SCRIPT;
        assertThrows(IllegalArgumentException.class, () -> engine.validate(s));
        s.script = "x".repeat(LammpsEngine.MAX_SCRIPT + 1);
        assertThrows(IllegalArgumentException.class, () -> engine.validate(s));
        SimulationSpec d = new SimulationSpec();
        d.timestep = -1;
        assertThrows(IllegalArgumentException.class, () -> engine.validate(d));
        d.timestep = 0.005;
        d.model = "gromacs";
        assertThrows(IllegalArgumentException.class, () -> engine.validate(d));
    }

    /** A parallel run goes to the scheduler as the plain program: the backend starts its ranks, not the engine. */
    @Test
    void theCommandOfAParallelRunIsThePlainProgram() throws Exception {
        LammpsEngine four = new LammpsEngine(LMP, 4, "mpirun");
        SimulationSpec s = new SimulationSpec();
        s.ranks = 2;
        assertEquals(List.of(LMP.toString(), "-in", "in.kumiki", "-log", "log.lammps", "-echo", "none", "-screen", "none"),
            four.prepareCommand(s, dir.resolve("p")));
        assertTrue(Files.readString(dir.resolve("p/in.kumiki")).contains("run 100"));
    }
}
