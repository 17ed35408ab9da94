package org.kumiki.quantum.api;

import java.util.List;

import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Qiskit-V2-style estimator: each PUB is a circuit, observables, parameter value sets and a
 * target precision. Backends that compute exact expectations do so; others are estimated
 * from samples in the observables' measurement bases.
 */
@ProviderType
public interface Estimator {
    QuantumJob<List<EstimatorPubResult>> run(String backend, List<EstimatorPub> pubs);
}
