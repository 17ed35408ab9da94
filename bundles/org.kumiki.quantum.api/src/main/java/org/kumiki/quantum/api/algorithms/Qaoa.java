package org.kumiki.quantum.api.algorithms;

import org.osgi.annotation.versioning.ProviderType;

/** QAOA for weighted MaxCut over the Estimator and Sampler primitives. */
@ProviderType
public interface Qaoa {
    QaoaResult maxCut(QaoaRequest request);
}
