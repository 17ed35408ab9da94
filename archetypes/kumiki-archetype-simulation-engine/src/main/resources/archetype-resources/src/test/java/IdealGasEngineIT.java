package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the engine as the simulation service finds it. */
class IdealGasEngineIT {

    @InjectService(filter = "(kumiki.simulation.engine=idealgas)", timeout = 10000)
    ServiceAware<SimulationEngine> engine;

    @TempDir
    Path dir;

    @Test
    void registersUnderItsNameAndRuns() throws Exception {
        assertEquals("idealgas", engine.getServiceReference().getProperty(SimulationEngine.ENGINE_NAME));
        assertEquals(RunState.COMPLETED, engine.getService().run(IdealGasEngineTest.spec(), new RecordingContext(dir)).state);
    }
}
