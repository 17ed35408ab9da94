package ${package};

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.spi.LoadedModel;

/** Unit tests: the engine is a plain object, built with {@code new}. */
class LinearEngineTest {
    @TempDir
    Path dir;
    final LinearEngine engine = new LinearEngine();

    static float[] run(LoadedModel m, float... x) throws Exception {
        return m.execute(Map.of("x", Tensor.ofFloats("x", new long[] {x.length}, x)), Set.of("y")).get("y").floats();
    }

    @Test
    void loadsWeightsAndComputes() throws Exception {
        Files.writeString(dir.resolve("weights.txt"), "2 0.5\n");
        try (LoadedModel m = engine.load("lin", "1", dir, new ModelConfigDTO())) {
            assertArrayEquals(new float[] {0.5f, 2.5f, -3.5f}, run(m, 0, 1, -2));
            assertEquals("x", m.inputs().get(0).name);
            assertEquals("FP32", m.outputs().get(0).datatype);
        }
    }

    @Test
    void refusesBadModelFoldersWithOneLine() throws Exception {
        InferenceException missing = assertThrows(InferenceException.class, () -> engine.load("lin", "1", dir, new ModelConfigDTO()));
        assertEquals(InferenceException.Kind.UNAVAILABLE, missing.kind());
        assertEquals("lin version 1: no weights.txt in " + dir, missing.getMessage());
        Files.writeString(dir.resolve("weights.txt"), "two\nthree");
        assertEquals("lin version 1: weights.txt must hold two numbers 'a b', not 'two three'",
                assertThrows(InferenceException.class, () -> engine.load("lin", "1", dir, new ModelConfigDTO())).getMessage());
        Files.writeString(dir.resolve("weights.txt"), "NaN 1");
        assertEquals("lin version 1: weights must be finite, not NaN 1.0",
                assertThrows(InferenceException.class, () -> engine.load("lin", "1", dir, new ModelConfigDTO())).getMessage());
    }
}
