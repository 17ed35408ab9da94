package org.kumiki.quantum.internal;

import java.util.List;

import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Sampler primitive over the backend whiteboard. */
@Component(service = Sampler.class)
public class SamplerService implements Sampler {
    private final QuantumCore core;

    @Activate
    public SamplerService(@Reference QuantumCore core) {
        this.core = core;
    }

    @Override
    public QuantumJob<List<SamplerPubResult>> run(String backend, List<SamplerPub> pubs) {
        return core.sample(backend, pubs);
    }
}
