package org.kumiki.campaign.simulation.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** A Scheduler whose tasks end when the test says; it knows the backends it is given and the one function. */
class FakeScheduler implements Scheduler {
    final Map<String, TaskRecordDTO> tasks = new LinkedHashMap<>();
    final Map<String, CompletableFuture<TaskRecordDTO>> done = new LinkedHashMap<>();
    final List<String> cancelled = new ArrayList<>();
    final List<String> backendNames;
    int next = 1;

    FakeScheduler(String... backends) {
        this.backendNames = List.of(backends);
    }

    @Override
    public synchronized TaskRecordDTO submit(TaskSpec spec) {
        if (!TaskOption.FUNCTION.equals(spec.function)) {
            throw new TaskRejectedException("unknown function " + spec.function);
        }
        if (spec.backend != null && !backendNames.contains(spec.backend)) {
            throw new TaskRejectedException("unknown backend " + spec.backend);
        }
        TaskRecordDTO r = new TaskRecordDTO();
        r.id = "task-" + next++;
        r.spec = spec;
        r.state = TaskState.PENDING;
        r.backend = spec.backend == null ? backendNames.get(0) : spec.backend;
        tasks.put(r.id, r);
        done.put(r.id, new CompletableFuture<>());
        return r;
    }

    /** Ends a task with a state, an exit code, a reason and a function result. */
    synchronized void end(String id, TaskState state, Integer exit, String reason, String result) {
        TaskRecordDTO r = tasks.get(id);
        r.state = state;
        r.exitCode = exit;
        r.reason = reason;
        r.result = result;
        done.get(id).complete(r);
    }

    @Override
    public List<TaskRecordDTO> submitAll(List<TaskSpec> specs) {
        List<TaskRecordDTO> out = new ArrayList<>();
        for (TaskSpec s : specs) {
            out.add(submit(s));
        }
        return out;
    }

    @Override
    public synchronized Optional<TaskRecordDTO> get(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public synchronized List<TaskRecordDTO> list(TaskFilter filter) {
        List<TaskRecordDTO> out = new ArrayList<>();
        for (TaskRecordDTO r : tasks.values()) {
            if (r.spec.labels.entrySet().containsAll(filter.labels.entrySet())) {
                out.add(0, r);
            }
        }
        return out;
    }

    @Override
    public synchronized boolean cancel(String id) {
        if (!tasks.containsKey(id)) {
            throw new TaskRejectedException("unknown task " + id);
        }
        cancelled.add(id);
        return true;
    }

    @Override
    public synchronized CompletionStage<TaskRecordDTO> await(String id) {
        CompletableFuture<TaskRecordDTO> f = done.get(id);
        if (f == null) {
            throw new TaskRejectedException("unknown task " + id);
        }
        return f.copy();
    }

    @Override
    public List<BackendDTO> backends() {
        List<BackendDTO> out = new ArrayList<>();
        for (String n : backendNames) {
            BackendDTO b = new BackendDTO();
            b.name = n;
            out.add(b);
        }
        return out;
    }
}
