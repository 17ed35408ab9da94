package org.kumiki.quantum.api;

import java.util.List;
import java.util.Map;

import org.kumiki.quantum.api.dto.BackendDTO;
import org.osgi.annotation.versioning.ProviderType;

/** The registered backends, as the quantum core sees them. */
@ProviderType
public interface QuantumBackends {
    /** Every backend, sorted by name. */
    List<BackendDTO> list();

    /** The backend used when none is named; null when there is none. */
    String defaultBackend();

    /**
     * Sampler and estimator jobs run through the core since it started, by backend name and status:
     * unfinished jobs in their current status ({@link JobStatus#QUEUED}, {@link JobStatus#RUNNING}),
     * finished ones in their final status. Statuses without jobs are left out.
     *
     * @since 1.1
     */
    default Map<String, Map<JobStatus, Long>> jobCounts() {
        return Map.of();
    }
}
