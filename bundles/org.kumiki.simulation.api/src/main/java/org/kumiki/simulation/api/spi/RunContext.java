package org.kumiki.simulation.api.spi;

import java.nio.file.Path;

import org.kumiki.simulation.api.dto.ThermoDTO;
import org.osgi.annotation.versioning.ProviderType;

/** What a running engine may ask and report. Provided by the simulation service. */
@ProviderType
public interface RunContext {

    String runId();

    /** A folder private to this run for inputs, logs and final state files. */
    Path workDirectory();

    /** True once the run was cancelled; engines check it between steps and return soon. */
    boolean isCancelled();

    /** Reports progress (the current step). */
    void progress(long step);

    /** Reports one thermo row as it is produced. */
    void thermo(ThermoDTO row);

    /** Reports an engine warning. */
    void warning(String message);
}
