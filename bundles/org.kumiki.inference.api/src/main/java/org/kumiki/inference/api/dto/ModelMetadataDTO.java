package org.kumiki.inference.api.dto;

import java.util.List;

/** A model version's metadata, shaped like the OIP v2 model metadata response. */
public class ModelMetadataDTO {
    public String name;
    /** The loaded versions, highest first. */
    public List<String> versions;
    /** The version this metadata describes. */
    public String version;
    /** e.g. {@code onnxruntime_onnx} or {@code kumiki_remote}. */
    public String platform;
    /** The maximum batch size; 0: the model does not batch (the first dimension is not a batch). */
    public int maxBatchSize;
    public List<TensorMetadataDTO> inputs;
    public List<TensorMetadataDTO> outputs;
    /** The configuration the version was loaded with (from config.json). */
    public ModelConfigDTO config;
}
