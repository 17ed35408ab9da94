package ${package};

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;

/** What the simulation service would hand an engine, recording what it reports (tests only). */
class RecordingContext implements RunContext {
    final Path dir;
    final List<ThermoDTO> thermo = new ArrayList<>();
    volatile boolean cancelled;
    long lastStep = -1;

    RecordingContext(Path dir) {
        this.dir = dir;
    }

    @Override public String runId() { return "run-1"; }
    @Override public Path workDirectory() { return dir; }
    @Override public boolean isCancelled() { return cancelled; }
    @Override public void progress(long step) { lastStep = step; }
    @Override public void thermo(ThermoDTO row) { thermo.add(row); }
    @Override public void warning(String message) { }
}
