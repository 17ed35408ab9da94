package org.kumiki.campaign.surrogate.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The inference engine of platform {@value #PLATFORM}: loads {@code <version>/model.json}, a
 * {@link SurrogateDTO} in JSON, as a {@link GpModel}.
 */
@Component(service = InferenceEngine.class, property = InferenceEngine.PLATFORM + "=" + GpEngine.PLATFORM)
public class GpEngine implements InferenceEngine {
    public static final String PLATFORM = "kumiki_gp";
    public static final String MODEL_FILE = "model.json";
    static final long MAX_FILE = 64L << 20;
    /** Built on first use (a holder class): Jackson is not loaded at start-up by this engine. */
    static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    @Override
    public LoadedModel load(String model, String version, Path versionDir, ModelConfigDTO config) {
        Path file = versionDir.resolve(MODEL_FILE);
        try {
            if (!Files.isRegularFile(file)) {
                throw new InferenceException(Kind.UNAVAILABLE, "no " + MODEL_FILE + " in " + versionDir);
            }
            if (Files.size(file) > MAX_FILE) {
                throw new InferenceException(Kind.UNAVAILABLE, file + " is larger than " + (MAX_FILE >> 20) + " MiB");
            }
            SurrogateDTO s = Json.MAPPER.readValue(file.toFile(), SurrogateDTO.class);
            if (s == null) {
                throw new InferenceException(Kind.UNAVAILABLE, file + " holds no surrogate");
            }
            return new GpModel(model, s);
        } catch (JsonProcessingException e) {
            throw new InferenceException(Kind.UNAVAILABLE, file + " is not a surrogate: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw new InferenceException(Kind.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage());
        } catch (InferenceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InferenceException(Kind.UNAVAILABLE, file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
