package org.kumiki.platform.metrics.internal;

import java.util.List;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * One domain's metric families, read from that domain's API when {@code /metrics} is scraped
 * (callback style: nothing is recorded between scrapes). Each implementation is a DS component
 * that references only its domain's API service, so it stays unsatisfied (and its classes
 * unloaded) on a site without that domain.
 */
public interface DomainCollector {

    /** The domain's name, for log lines ({@code scheduler}, {@code inference}, ...). */
    String domain();

    /** Adds this domain's families to {@code out}; family names are unique across domains. */
    void collect(List<MetricSnapshot> out);
}
