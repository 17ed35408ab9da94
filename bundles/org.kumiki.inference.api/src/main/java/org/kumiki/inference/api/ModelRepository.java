package org.kumiki.inference.api;

import java.util.List;

import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The model repository: a folder in Triton's layout, {@code <repo>/<model>/<version>/model.onnx}
 * plus {@code <repo>/<model>/config.json}. Models load and unload while others keep serving.
 */
@ProviderType
public interface ModelRepository {

    /** Every model folder and every loaded version, with state, provider and reason. */
    List<ModelStatusDTO> index();

    /**
     * Loads (or reloads) every version of a model from its folder, replacing what was loaded
     * only when the new load succeeds.
     *
     * @return the status of each version
     * @throws InferenceException NOT_FOUND for no such folder, UNAVAILABLE when it fails to load
     */
    List<ModelStatusDTO> load(String model);

    /**
     * Unloads every version of a model, waits for running requests and frees the engine's
     * native memory.
     *
     * @throws InferenceException NOT_FOUND when the model is not loaded
     */
    void unload(String model);

    /** The loaded versions of a model, highest first; empty when none. */
    List<String> versions(String model);
}
