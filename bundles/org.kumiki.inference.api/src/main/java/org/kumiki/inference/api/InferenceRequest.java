package org.kumiki.inference.api;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One inference call: the model, an optional version (null or empty: the model's default, its
 * highest version), the input tensors and the names of the outputs wanted (empty: all).
 */
public final class InferenceRequest {

    public final String model;
    public final String version;
    /** An optional caller-chosen id, echoed in the response. */
    public final String id;
    public final List<Tensor> inputs;
    public final Set<String> outputs;

    public InferenceRequest(String model, String version, String id, List<Tensor> inputs, Set<String> outputs) {
        this.model = model;
        this.version = version == null || version.isEmpty() ? null : version;
        this.id = id;
        this.inputs = inputs == null ? List.of() : List.copyOf(inputs);
        this.outputs = outputs == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(outputs));
    }

    /** A request for the default version and every output. */
    public static InferenceRequest of(String model, Tensor... inputs) {
        return new InferenceRequest(model, null, null, List.of(inputs), Set.of());
    }
}
