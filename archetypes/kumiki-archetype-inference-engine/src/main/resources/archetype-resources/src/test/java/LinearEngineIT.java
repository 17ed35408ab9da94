package ${package};

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the engine as the model repository finds it. */
class LinearEngineIT {

    @InjectService(filter = "(kumiki.inference.platform=linear)", timeout = 10000)
    ServiceAware<InferenceEngine> engine;

    @TempDir
    Path dir;

    @Test
    void registersUnderItsPlatformAndRuns() throws Exception {
        assertEquals("linear", engine.getServiceReference().getProperty(InferenceEngine.PLATFORM));
        Files.writeString(dir.resolve("weights.txt"), "3 1");
        try (LoadedModel m = engine.getService().load("lin", "1", dir, new ModelConfigDTO())) {
            assertArrayEquals(new float[] {1f, 4f}, LinearEngineTest.run(m, 0, 1));
        }
    }
}
