package org.kumiki.quantum.api.spi;

import java.util.List;

import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.dto.TargetDTO;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A simulator or a quantum processor. Register as a service with the property
 * {@link #NAME}; the core tracks backends as they come and go. {@link #DEFAULT_RANKING}
 * ({@code service.ranking}) picks the default backend.
 */
@ConsumerType
public interface QuantumBackend {
    /** Service property: the backend's unique name. */
    String NAME = "kumiki.quantum.backend.name";
    /** Convention for the embedded simulator's service ranking. */
    int DEFAULT_RANKING = 100;

    String name();

    TargetDTO target();

    /** Starts sampling; validates at once (throwing QuantumException) and runs asynchronously. */
    QuantumJob<List<SamplerPubResult>> sample(List<SamplerPub> pubs);

    /** Whether {@link #estimate} computes exact expectation values. */
    default boolean exactExpectations() { return false; }

    /** Native estimation; the default says it is not supported (the core then samples). */
    default QuantumJob<List<EstimatorPubResult>> estimate(List<EstimatorPub> pubs) {
        throw new UnsupportedOperationException(name() + " has no native estimator");
    }
}
