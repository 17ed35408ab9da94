package org.kumiki.quantum.api.dto;

import java.util.List;
import java.util.Map;

import org.osgi.dto.DTO;

/** The result of one sampler PUB: one {@link SampleDTO} per parameter binding. */
public class SamplerPubResult extends DTO {
    public List<SampleDTO> data;
    public Map<String, Object> metadata;
}
