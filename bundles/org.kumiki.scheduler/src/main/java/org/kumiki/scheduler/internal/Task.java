package org.kumiki.scheduler.internal;

import java.util.ArrayList;
import java.util.List;

import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** The scheduler's mutable view of one task; guarded by the scheduler's lock. */
final class Task {
    final String id;
    final long seq;
    final TaskSpec spec;
    final String backend;
    TaskState state;
    String backendJobId;
    Integer exitCode;
    String reason;
    String result;
    int attempt;
    final long submittedAt;
    long startedAt;
    long finishedAt;

    /** Dependencies (resolved) and the tasks waiting on this one. */
    final List<Dep> deps = new ArrayList<>(0);
    final List<Task> dependents = new ArrayList<>(0);
    /** The attempt now dispatched to a backend; null when not dispatched. */
    Execution execution;
    /** Resources held on the backend while dispatched. */
    int[] gpuIds = new int[0];
    boolean queued;
    /** Dependencies the backend enforces itself (e.g. afterok:123), when dispatched early. */
    List<String> nativeDeps = List.of();
    /** The array this task is an element of, or null; its index there, or -1. */
    String arrayId;
    int arrayIndex = -1;
    /** The spec's JSON, computed once for the journal. */
    byte[] specJson;

    record Dep(Task task, DependencyType type) {}

    Task(String id, long seq, TaskSpec spec, String backend, long submittedAt) {
        this.id = id;
        this.seq = seq;
        this.spec = spec;
        this.backend = backend;
        this.submittedAt = submittedAt;
    }

    int cpus() {
        if (spec.resources == null) return 1;
        long ranks = (long) Math.max(1, spec.resources.tasks) * Math.max(1, spec.resources.cpusPerTask);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(Math.max(1, spec.resources.cpus), ranks));
    }

    int gpus() {
        return spec.resources == null ? 0 : spec.resources.gpus;
    }

    long memory() {
        return spec.resources == null ? 0 : spec.resources.memoryBytes;
    }

    long walltimeMs() {
        return spec.resources == null ? 0 : spec.resources.walltimeSeconds * 1000L;
    }

    TaskRecordDTO toRecord() {
        TaskRecordDTO r = new TaskRecordDTO();
        r.id = id;
        r.spec = spec;
        r.state = state;
        r.backend = backend;
        r.backendJobId = backendJobId;
        r.exitCode = exitCode;
        r.reason = reason;
        r.result = result;
        r.attempt = attempt;
        r.submittedAt = submittedAt;
        r.startedAt = startedAt;
        r.finishedAt = finishedAt;
        r.arrayId = arrayId;
        r.arrayIndex = arrayIndex;
        return r;
    }

}
