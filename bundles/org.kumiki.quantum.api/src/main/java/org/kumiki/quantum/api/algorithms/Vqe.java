package org.kumiki.quantum.api.algorithms;

import org.osgi.annotation.versioning.ProviderType;

/** Variational quantum eigensolver over the Estimator primitive. */
@ProviderType
public interface Vqe {
    /** Runs to convergence; throws QuantumException or IllegalArgumentException on bad input. */
    VqeResult run(VqeRequest request);
}
