package org.kumiki.quantum.api;

import java.util.List;

import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.osgi.annotation.versioning.ProviderType;

/** Qiskit-V2-style sampler: each PUB is a circuit, parameter value sets and a shot count. */
@ProviderType
public interface Sampler {
    /**
     * Runs the PUBs on the named backend ({@code null}: the default backend, the embedded
     * state-vector simulator when present). Bad input throws {@link QuantumException} at once.
     */
    QuantumJob<List<SamplerPubResult>> run(String backend, List<SamplerPub> pubs);
}
