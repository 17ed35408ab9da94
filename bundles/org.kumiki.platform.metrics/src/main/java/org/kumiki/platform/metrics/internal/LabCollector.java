package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lab automation: the run engine's state, the emergency stop, runs by exit status, and the
 * event-model documents emitted by type (counted from the engine's document stream from the first
 * scrape on: this collector is activated by the first scrape).
 */
@Component(service = DomainCollector.class)
public class LabCollector implements DomainCollector {

    private static final Logger LOG = LoggerFactory.getLogger(LabCollector.class);
    static final List<String> TYPES = List.of(LabConstants.START, LabConstants.DESCRIPTOR, LabConstants.EVENT,
            LabConstants.RESOURCE, LabConstants.DATUM, LabConstants.STOP);

    private final RunEngine engine;
    private final Map<String, LongAdder> documents = new ConcurrentHashMap<>();
    private final AutoCloseable subscription;

    @Activate
    public LabCollector(@Reference RunEngine engine) {
        this.engine = engine;
        for (String t : TYPES) {
            documents.put(t, new LongAdder());
        }
        this.subscription = engine.subscribe(this::document);
    }

    @Deactivate
    void deactivate() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("lab document subscription not closed: {}", e.toString());
        }
    }

    /** Counts one document; a document type outside the event model counts as "other". */
    void document(String name, Map<String, Object> doc) {
        String type = name != null && documents.containsKey(name) ? name : "other";
        documents.computeIfAbsent(type, k -> new LongAdder()).increment();
    }

    @Override
    public String domain() {
        return "lab";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        EngineState current = engine.state();
        Families.Gauge state = new Families.Gauge("kumiki_lab_engine_state", "1 for the run engine's current state, 0 for the others");
        for (EngineState s : EngineState.values()) {
            state.add(s == current ? 1 : 0, "state", s.name().toLowerCase(Locale.ROOT));
        }
        out.add(state.build());
        out.add(new Families.Gauge("kumiki_lab_emergency_stop", "1 while the emergency stop is latched").add(engine.emergencyStopActive() ? 1 : 0).build());
        out.add(new Families.Gauge("kumiki_lab_devices", "Devices the run engine knows").add(engine.devices().size()).build());
        Map<String, Long> byStatus = new TreeMap<>();
        for (RunSummaryDTO r : engine.runs()) {
            byStatus.merge(r.status == null ? "unknown" : r.status.exitStatus(), 1L, Long::sum);
        }
        Families.Gauge runs = new Families.Gauge("kumiki_lab_runs", "Recorded runs by exit status ('running' while a run is open)");
        byStatus.forEach((s, n) -> runs.add(n, "status", s));
        out.add(runs.build());
        Families.Counter docs = new Families.Counter("kumiki_lab_documents", "Event-model documents emitted by type since metrics collection started");
        new TreeMap<>(documents).forEach((t, n) -> docs.add(n.sum(), "type", t));
        out.add(docs.build());
    }
}
