package org.kumiki.quantum.internal;

import java.util.List;

import org.kumiki.quantum.api.Estimator;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.EstimatorPub;
import org.kumiki.quantum.api.dto.EstimatorPubResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Estimator primitive: exact on backends that can, from samples elsewhere. */
@Component(service = Estimator.class)
public class EstimatorService implements Estimator {
    private final QuantumCore core;

    @Activate
    public EstimatorService(@Reference QuantumCore core) {
        this.core = core;
    }

    @Override
    public QuantumJob<List<EstimatorPubResult>> run(String backend, List<EstimatorPub> pubs) {
        return core.estimate(backend, pubs);
    }
}
