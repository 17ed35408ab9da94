package org.kumiki.inference.api;

import java.util.List;

/** The result of one {@link InferenceRequest}: the version that ran it and the output tensors. */
public final class InferenceResponse {

    public final String model;
    public final String version;
    public final String id;
    public final List<Tensor> outputs;

    public InferenceResponse(String model, String version, String id, List<Tensor> outputs) {
        this.model = model;
        this.version = version;
        this.id = id;
        this.outputs = List.copyOf(outputs);
    }

    /** The output of that name, or null. */
    public Tensor output(String name) {
        for (Tensor t : outputs) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
