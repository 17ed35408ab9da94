package ${package};

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.osgi.service.component.annotations.Component;

/**
 * An inference engine for the platform {@code linear}: a model version folder holds
 * {@code weights.txt} with two numbers {@code a b}, and the model maps the FP32 input {@code x}
 * to {@code y = a * x + b} element by element. Replace {@link #load} with your runtime's loader
 * (native sessions, a remote server); the model repository calls it for every model whose
 * {@code config.json} says {@code "platform": "linear"}. Registered under
 * {@code kumiki.inference.platform} ({@link InferenceEngine#PLATFORM}).
 */
@Component(property = InferenceEngine.PLATFORM + "=" + LinearEngine.PLATFORM)
public class LinearEngine implements InferenceEngine {
    static final String PLATFORM = "linear";
    static final String WEIGHTS = "weights.txt";

    @Override
    public LoadedModel load(String model, String version, Path versionDir, ModelConfigDTO config) {
        String text;
        try {
            text = Files.readString(versionDir.resolve(WEIGHTS)).strip();
        } catch (NoSuchFileException e) {
            throw new InferenceException(InferenceException.Kind.UNAVAILABLE, model + " version " + version + ": no " + WEIGHTS + " in " + versionDir);
        } catch (IOException e) {
            throw new InferenceException(InferenceException.Kind.UNAVAILABLE, model + " version " + version + ": cannot read " + WEIGHTS + ": " + e.getMessage());
        }
        String[] ab = text.split("\\s+");
        float a;
        float b;
        try {
            if (ab.length != 2) throw new NumberFormatException();
            a = Float.parseFloat(ab[0]);
            b = Float.parseFloat(ab[1]);
        } catch (NumberFormatException e) {
            throw new InferenceException(InferenceException.Kind.UNAVAILABLE, model + " version " + version + ": " + WEIGHTS + " must hold two numbers 'a b', not '" + oneLine(text) + "'");
        }
        if (!Float.isFinite(a) || !Float.isFinite(b)) {
            throw new InferenceException(InferenceException.Kind.UNAVAILABLE, model + " version " + version + ": weights must be finite, not " + a + " " + b);
        }
        return new Linear(a, b);
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }

    /** One loaded model: stateless, so any number of threads may execute it at once. */
    static final class Linear implements LoadedModel {
        final float a;
        final float b;

        Linear(float a, float b) {
            this.a = a;
            this.b = b;
        }

        @Override public List<TensorMetadataDTO> inputs() { return List.of(meta("x")); }
        @Override public List<TensorMetadataDTO> outputs() { return List.of(meta("y")); }
        @Override public String provider() { return "java"; }

        @Override
        public Map<String, Tensor> execute(Map<String, Tensor> inputs, Set<String> outputs) {
            Tensor x = inputs.get("x");
            float[] v = x.floats();
            float[] y = new float[v.length];
            for (int i = 0; i < v.length; i++) y[i] = a * v[i] + b;
            return Map.of("y", Tensor.ofFloats("y", x.shape(), y));
        }

        @Override
        public void close() {
            // nothing native to free
        }

        private static TensorMetadataDTO meta(String name) {
            TensorMetadataDTO m = new TensorMetadataDTO();
            m.name = name;
            m.datatype = "FP32";
            m.shape = new long[] {-1};
            return m;
        }
    }
}
