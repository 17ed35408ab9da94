package org.kumiki.platform.metrics.internal;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

/** Small builders over the client library's snapshots, so collectors read as a list of figures. */
final class Families {

    private Families() {
    }

    /** A gauge family: one data point per label set. */
    static final class Gauge {
        private final GaugeSnapshot.Builder b;

        Gauge(String name, String help) {
            b = GaugeSnapshot.builder().name(name).help(help);
        }

        Gauge add(double value, String... labelNamesAndValues) {
            b.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labelNamesAndValues)).build());
            return this;
        }

        GaugeSnapshot build() {
            return b.build();
        }
    }

    /** A counter family (the text format names its samples {@code <name>_total}). */
    static final class Counter {
        private final CounterSnapshot.Builder b;

        Counter(String name, String help) {
            b = CounterSnapshot.builder().name(name).help(help);
        }

        Counter add(double value, String... labelNamesAndValues) {
            b.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labelNamesAndValues)).build());
            return this;
        }

        CounterSnapshot build() {
            return b.build();
        }
    }

    /**
     * An untyped family: its samples keep the family's exact name. Used for Triton's
     * {@code nv_inference_*} counters, whose sample names have no {@code _total} suffix (a
     * library counter would rename them and break existing Triton dashboards).
     */
    static final class Untyped {
        private final UnknownSnapshot.Builder b;

        Untyped(String name, String help) {
            b = UnknownSnapshot.builder().name(name).help(help);
        }

        Untyped add(double value, String... labelNamesAndValues) {
            b.dataPoint(UnknownDataPointSnapshot.builder().value(value).labels(Labels.of(labelNamesAndValues)).build());
            return this;
        }

        UnknownSnapshot build() {
            return b.build();
        }
    }

    /** A label value never null (the library refuses null). */
    static String label(String v) {
        return v == null ? "" : v;
    }
}
