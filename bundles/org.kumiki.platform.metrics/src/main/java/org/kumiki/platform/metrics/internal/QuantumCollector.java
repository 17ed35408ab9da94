package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.dto.BackendDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Quantum: the backends and their qubits; jobs by backend and status. */
@Component(service = DomainCollector.class)
public class QuantumCollector implements DomainCollector {

    private final QuantumBackends backends;

    @Activate
    public QuantumCollector(@Reference QuantumBackends backends) {
        this.backends = backends;
    }

    @Override
    public String domain() {
        return "quantum";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        List<BackendDTO> list = backends.list();
        Families.Gauge qubits = new Families.Gauge("kumiki_quantum_backend_qubits", "Qubits of each quantum backend");
        for (BackendDTO b : list) {
            qubits.add(b.target == null ? 0 : b.target.numQubits, "backend", Families.label(b.name), "simulator",
                    Boolean.toString(b.target != null && b.target.simulator));
        }
        out.add(qubits.build());
        out.add(jobs(list, backends.jobCounts()));
    }

    /** Every backend (listed or with jobs) with every status, zero where no job is in it. */
    static MetricSnapshot jobs(List<BackendDTO> list, Map<String, Map<JobStatus, Long>> counts) {
        TreeSet<String> names = new TreeSet<>(counts.keySet());
        for (BackendDTO b : list) {
            names.add(Families.label(b.name));
        }
        Families.Gauge jobs = new Families.Gauge("kumiki_quantum_jobs", "Sampler and estimator jobs since start by backend and status (queued and running now; done, error, cancelled in total)");
        for (String n : names) {
            Map<JobStatus, Long> m = counts.getOrDefault(n, Map.of());
            for (JobStatus s : JobStatus.values()) {
                jobs.add(m.getOrDefault(s, 0L), "backend", n, "status", s.name().toLowerCase(Locale.ROOT));
            }
        }
        return jobs.build();
    }
}
