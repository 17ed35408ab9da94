package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Scheduler: queue depth, running tasks and capacity per backend; tasks by state and backend. */
@Component(service = DomainCollector.class)
public class SchedulerCollector implements DomainCollector {

    /** Label value of tasks no backend has taken yet. */
    static final String UNASSIGNED = "none";

    private final Scheduler scheduler;

    @Activate
    public SchedulerCollector(@Reference Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public String domain() {
        return "scheduler";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        List<BackendDTO> backends = scheduler.backends();
        Families.Gauge queue = new Families.Gauge("kumiki_scheduler_queue_depth", "Tasks waiting for resources on a backend");
        Families.Gauge running = new Families.Gauge("kumiki_scheduler_running_tasks", "Tasks running on a backend");
        Families.Gauge cpus = new Families.Gauge("kumiki_scheduler_backend_cpus", "CPUs a backend offers");
        Families.Gauge cpusInUse = new Families.Gauge("kumiki_scheduler_backend_cpus_in_use", "CPUs of a backend held by running tasks");
        Families.Gauge gpus = new Families.Gauge("kumiki_scheduler_backend_gpus", "GPUs a backend offers");
        Families.Gauge gpusInUse = new Families.Gauge("kumiki_scheduler_backend_gpus_in_use", "GPUs of a backend held by running tasks");
        for (BackendDTO b : backends) {
            String name = Families.label(b.name);
            queue.add(b.pending, "backend", name);
            running.add(b.running, "backend", name);
            cpus.add(b.cpus, "backend", name);
            cpusInUse.add(b.cpusInUse, "backend", name);
            gpus.add(b.gpus, "backend", name);
            gpusInUse.add(b.gpusInUse, "backend", name);
        }
        out.add(queue.build());
        out.add(running.build());
        out.add(cpus.build());
        out.add(cpusInUse.build());
        out.add(gpus.build());
        out.add(gpusInUse.build());

        Map<String, long[]> byBackend = countByBackendAndState(scheduler.list(TaskFilter.all()));
        for (BackendDTO b : backends) {
            byBackend.computeIfAbsent(Families.label(b.name), k -> new long[TaskState.values().length]);
        }
        Families.Gauge tasks = new Families.Gauge("kumiki_scheduler_tasks", "Tasks the scheduler records, by state and backend ('none': not placed yet)");
        for (Map.Entry<String, long[]> e : byBackend.entrySet()) {
            for (TaskState s : TaskState.values()) {
                tasks.add(e.getValue()[s.ordinal()], "backend", e.getKey(), "state", s.name().toLowerCase(Locale.ROOT));
            }
        }
        out.add(tasks.build());
    }

    /** Counts per backend (sorted), each an array indexed by {@link TaskState#ordinal()}. */
    static Map<String, long[]> countByBackendAndState(List<TaskRecordDTO> records) {
        Map<String, long[]> m = new TreeMap<>();
        for (TaskRecordDTO r : records) {
            if (r.state == null) {
                continue;
            }
            String backend = r.backend == null || r.backend.isEmpty() ? UNASSIGNED : r.backend;
            m.computeIfAbsent(backend, k -> new long[TaskState.values().length])[r.state.ordinal()]++;
        }
        return m;
    }
}
