package org.kumiki.quantum.api;

import java.util.List;

import org.kumiki.quantum.api.dto.BackendDTO;
import org.osgi.annotation.versioning.ProviderType;

/** The registered backends, as the quantum core sees them. */
@ProviderType
public interface QuantumBackends {
    /** Every backend, sorted by name. */
    List<BackendDTO> list();

    /** The backend used when none is named; null when there is none. */
    String defaultBackend();
}
