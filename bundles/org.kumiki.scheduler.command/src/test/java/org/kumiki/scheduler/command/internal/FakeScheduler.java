package org.kumiki.scheduler.command.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** An in-memory Scheduler: tasks only change state when a test says so. */
final class FakeScheduler implements Scheduler {

    final Map<String, TaskRecordDTO> records = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, CompletableFuture<TaskRecordDTO>> awaiting = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<BackendDTO> backends = new ArrayList<>();
    final List<TaskSpec> submitted = new ArrayList<>();
    private final LongSupplier clock;
    private int next = 1;

    FakeScheduler(LongSupplier clock) {
        this.clock = clock;
        BackendDTO local = new BackendDTO();
        local.name = "local";
        local.description = "processes on this node";
        local.isDefault = true;
        local.cpus = 8;
        local.gpus = 0;
        local.memoryBytes = 16L << 30;
        backends.add(local);
    }

    @Override
    public synchronized TaskRecordDTO submit(TaskSpec spec) {
        boolean hasCommand = spec.command != null && !spec.command.isEmpty();
        if (!hasCommand && spec.function == null) throw new TaskRejectedException("no command and no function");
        if (hasCommand && spec.function != null) throw new TaskRejectedException("both a command and a function");
        if (spec.function != null && !spec.function.equals("echo")) throw new TaskRejectedException("unknown function '" + spec.function + "'");
        if (spec.resources.cpus < 1 || spec.resources.gpus < 0 || spec.resources.memoryBytes < 0 || spec.resources.walltimeSeconds < 0) {
            throw new TaskRejectedException("negative resources");
        }
        if (spec.backend != null && backends.stream().noneMatch(b -> b.name.equals(spec.backend))) {
            throw new TaskRejectedException("unknown backend '" + spec.backend + "'");
        }
        if (spec.resources.gpus > 0 && backends.stream().noneMatch(b -> b.gpus < 0 || b.gpus >= spec.resources.gpus)) {
            throw new TaskRejectedException("no backend can ever provide " + spec.resources.gpus + " GPUs");
        }
        for (DependencyDTO d : spec.dependencies) {
            if (!records.containsKey(d.taskId)) throw new TaskRejectedException("unknown dependency " + d.taskId);
        }
        submitted.add(spec);
        TaskRecordDTO r = new TaskRecordDTO();
        r.id = "task-" + next++;
        r.spec = spec;
        r.state = spec.dependencies.isEmpty() ? TaskState.PENDING : TaskState.BLOCKED;
        r.reason = spec.dependencies.isEmpty() ? null : "waiting for " + spec.dependencies.get(0).taskId;
        r.submittedAt = clock.getAsLong();
        records.put(r.id, r);
        return copy(r);
    }

    @Override
    public List<TaskRecordDTO> submitAll(List<TaskSpec> specs) {
        List<TaskRecordDTO> out = new ArrayList<>();
        for (TaskSpec s : specs) out.add(submit(s));
        return out;
    }

    @Override
    public Optional<TaskRecordDTO> get(String id) {
        return Optional.ofNullable(records.get(id)).map(FakeScheduler::copy);
    }

    @Override
    public synchronized List<TaskRecordDTO> list(TaskFilter filter) {
        List<TaskRecordDTO> out = new ArrayList<>();
        List<TaskRecordDTO> all = new ArrayList<>(records.values());
        Collections.reverse(all);
        for (TaskRecordDTO r : all) {
            if (!filter.states.isEmpty() && !filter.states.contains(r.state)) continue;
            if (filter.backend != null && !filter.backend.equals(r.backend)) continue;
            if (filter.namePrefix != null && (r.spec.name == null || !r.spec.name.startsWith(filter.namePrefix))) continue;
            if (!filter.labels.entrySet().stream().allMatch(e -> e.getValue().equals(r.spec.labels.get(e.getKey())))) continue;
            out.add(copy(r));
            if (filter.limit > 0 && out.size() >= filter.limit) break;
        }
        return out;
    }

    @Override
    public synchronized boolean cancel(String id) {
        TaskRecordDTO r = records.get(id);
        if (r == null) throw new TaskRejectedException("unknown task " + id);
        if (r.state.isTerminal()) return false;
        finish(id, TaskState.CANCELLED, null);
        return true;
    }

    @Override
    public synchronized CompletionStage<TaskRecordDTO> await(String id) {
        TaskRecordDTO r = records.get(id);
        if (r == null) throw new TaskRejectedException("unknown task " + id);
        CompletableFuture<TaskRecordDTO> f = awaiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        if (r.state.isTerminal()) f.complete(copy(r));
        return f.thenApply(x -> x); // a dependent stage, as a real scheduler might hand out
    }

    @Override
    public List<BackendDTO> backends() {
        return backends;
    }

    /** Moves a task to RUNNING on a backend. */
    synchronized void start(String id, String backend, String jobId) {
        TaskRecordDTO r = records.get(id);
        r.state = TaskState.RUNNING;
        r.backend = backend;
        r.backendJobId = jobId;
        r.attempt++;
        r.startedAt = clock.getAsLong();
    }

    /** Ends a task and completes whoever awaits it. */
    synchronized void finish(String id, TaskState state, Integer exitCode) {
        TaskRecordDTO r = records.get(id);
        r.state = state;
        r.exitCode = exitCode;
        r.finishedAt = clock.getAsLong();
        CompletableFuture<TaskRecordDTO> f = awaiting.get(id);
        if (f != null) f.complete(copy(r));
    }

    static TaskRecordDTO copy(TaskRecordDTO r) {
        TaskRecordDTO c = new TaskRecordDTO();
        c.id = r.id;
        c.spec = r.spec;
        c.state = r.state;
        c.backend = r.backend;
        c.backendJobId = r.backendJobId;
        c.exitCode = r.exitCode;
        c.reason = r.reason;
        c.result = r.result;
        c.attempt = r.attempt;
        c.submittedAt = r.submittedAt;
        c.startedAt = r.startedAt;
        c.finishedAt = r.finishedAt;
        c.arrayId = r.arrayId;
        c.arrayIndex = r.arrayIndex;
        return c;
    }
}
