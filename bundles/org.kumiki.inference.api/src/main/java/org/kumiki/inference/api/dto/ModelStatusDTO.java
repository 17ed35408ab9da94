package org.kumiki.inference.api.dto;

import org.kumiki.inference.api.ModelState;

/** One model version in the repository index. */
public class ModelStatusDTO {
    public String name;
    /** Null for a model folder that is not loaded. */
    public String version;
    /** READY, UNAVAILABLE (not loaded or failed) or LOADING; JSON writes the name. */
    public ModelState state;
    /** Why it is not ready (load error, no engine), or null. */
    public String reason;
    /** The engine platform, e.g. {@code onnxruntime_onnx}. */
    public String platform;
    /** The execution provider actually in use, e.g. {@code CPUExecutionProvider}, or the remote URL. */
    public String provider;
}
