package org.kumiki.inference.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.osgi.annotation.versioning.ProviderType;

/** Runs inference on the loaded models. Thread-safe; concurrent calls may be batched together. */
@ProviderType
public interface InferenceService {

    /**
     * Runs a request and waits for its outputs.
     *
     * @throws InferenceException NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE or INTERNAL
     */
    InferenceResponse infer(InferenceRequest request);

    /** Runs a request without blocking; the stage fails with an {@link InferenceException}. */
    CompletionStage<InferenceResponse> inferAsync(InferenceRequest request);

    /**
     * Inputs and outputs of a model version (null version: the default one). A dimension of -1
     * is variable; with batching, the first dimension is the batch.
     *
     * @throws InferenceException NOT_FOUND or UNAVAILABLE
     */
    ModelMetadataDTO metadata(String model, String version);

    /** True when the model version (null: default) is loaded and accepts requests. */
    boolean isReady(String model, String version);

    /** Counters and cumulative durations of every loaded model version. */
    List<ModelStatsDTO> statistics();
}
