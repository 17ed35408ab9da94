package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;

/** Unit tests: the engine is a plain object, built with {@code new}. */
class IdealGasEngineTest {
    @TempDir
    Path dir;
    final IdealGasEngine engine = new IdealGasEngine();

    static SimulationSpec spec() {
        SimulationSpec s = new SimulationSpec();
        s.model = IdealGasEngine.MODEL;
        s.cellsX = s.cellsY = s.cellsZ = 2;
        s.temperature = 2.0;
        s.density = 0.5;
        s.steps = 10;
        s.thermoEvery = 5;
        return s;
    }

    @Test
    void reportsThermoRowsAndTheResult() throws Exception {
        RecordingContext c = new RecordingContext(dir);
        SimulationResultDTO r = engine.run(spec(), c);
        assertEquals(RunState.COMPLETED, r.state);
        assertEquals(32, r.atoms);
        assertEquals(3, c.thermo.size());
        assertEquals(10, c.lastStep);
        assertEquals(1.0, r.thermo.get(2).pressure, 1e-12);
        assertEquals(3.0, r.thermo.get(2).totalEnergy, 1e-12);
    }

    @Test
    void stopsWhenCancelled() throws Exception {
        RecordingContext c = new RecordingContext(dir);
        c.cancelled = true;
        assertEquals(RunState.CANCELLED, engine.run(spec(), c).state);
    }

    @Test
    void refusesNonsenseWithOneLine() {
        SimulationSpec s = spec();
        s.density = -1;
        assertEquals("density = -1.0 must be positive", assertThrows(IllegalArgumentException.class, () -> engine.validate(s)).getMessage());
        SimulationSpec lj = spec();
        lj.model = SimulationSpec.MODEL_LJ;
        assertEquals("idealgas runs model ideal-gas, not lj", assertThrows(IllegalArgumentException.class, () -> engine.validate(lj)).getMessage());
        SimulationSpec cells = spec();
        cells.cellsY = 0;
        assertEquals("cells 2x0x2 must be at least 1 each", assertThrows(IllegalArgumentException.class, () -> engine.validate(cells)).getMessage());
    }
}
