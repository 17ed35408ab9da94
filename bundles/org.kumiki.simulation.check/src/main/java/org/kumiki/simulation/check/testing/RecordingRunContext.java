package org.kumiki.simulation.check.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;

/**
 * A {@link RunContext} for engine tests: records the thermo rows, warnings and last step an
 * engine reports, and reports cancellation once {@link #cancel} is set. Safe to read while the
 * engine runs on another thread. Not part of any bundle: engines' tests use it from this
 * build-time library (the engines' {@code -conditionalpackage} takes only
 * {@code org.kumiki.simulation.check}).
 */
public final class RecordingRunContext implements RunContext {

    public final List<ThermoDTO> rows = new CopyOnWriteArrayList<>();
    public final List<String> warnings = new CopyOnWriteArrayList<>();
    public final AtomicBoolean cancel = new AtomicBoolean();
    public final AtomicLong step = new AtomicLong(-1);
    private final String runId;
    private final Supplier<Path> workDirectory;

    /** {@code workDirectory} is asked at each call: a test may set its temporary folder later. */
    public RecordingRunContext(String runId, Supplier<Path> workDirectory) {
        this.runId = runId;
        this.workDirectory = workDirectory;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public Path workDirectory() {
        return workDirectory.get();
    }

    @Override
    public boolean isCancelled() {
        return cancel.get();
    }

    @Override
    public void progress(long s) {
        step.set(s);
    }

    @Override
    public void thermo(ThermoDTO row) {
        rows.add(row);
    }

    @Override
    public void warning(String message) {
        warnings.add(message);
    }
}
