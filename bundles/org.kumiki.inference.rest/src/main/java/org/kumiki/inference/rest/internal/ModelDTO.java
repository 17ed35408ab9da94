package org.kumiki.inference.rest.internal;

import java.util.List;
import java.util.Map;

import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelStatusDTO;

/** A model of the repository: its state over all versions, each version, and where to infer. */
public class ModelDTO {
    public String name;
    /** READY when a version is ready, LOADING when one loads, else UNAVAILABLE. */
    public ModelState state;
    /** The loaded versions, highest first. */
    public List<String> versions;
    /** Each version's state, platform, provider and reason (one entry with no version when not loaded). */
    public List<ModelStatusDTO> status;
    /** The OIP v2 (KServe/Triton) endpoints of this model: metadata, ready, infer, load, unload. */
    public Map<String, String> links;
}
