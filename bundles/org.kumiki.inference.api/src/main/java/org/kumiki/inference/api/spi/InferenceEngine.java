package org.kumiki.inference.api.spi;

import java.nio.file.Path;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Loads models of one platform. Register as a service with the property
 * {@value #PLATFORM} naming the platform (the {@code platform} of a model's config).
 */
@ConsumerType
public interface InferenceEngine {

    /** The service property that names the platform an engine serves. */
    String PLATFORM = "kumiki.inference.platform";

    /**
     * Loads one model version.
     *
     * @param versionDir {@code <repo>/<model>/<version>}
     * @throws InferenceException UNAVAILABLE with a one-line reason when it cannot load
     */
    LoadedModel load(String model, String version, Path versionDir, ModelConfigDTO config);
}
