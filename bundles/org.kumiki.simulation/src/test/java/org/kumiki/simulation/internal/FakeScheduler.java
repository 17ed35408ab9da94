package org.kumiki.simulation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskFunction;

/**
 * A scheduler that outlives the simulation service (as Slurm or the scheduler's own journal
 * would): it keeps its tasks and runs one only when the test says so, on a "worker" function.
 */
final class FakeScheduler implements Scheduler {
    final List<List<TaskSpec>> batches = new CopyOnWriteArrayList<>();
    final List<String> ids = new CopyOnWriteArrayList<>();
    final List<String> awaited = new CopyOnWriteArrayList<>();
    private final Map<String, TaskRecordDTO> tasks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TaskRecordDTO>> ends = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();

    int submitted() {
        return ids.size();
    }

    @Override
    public TaskRecordDTO submit(TaskSpec spec) {
        return submitAll(List.of(spec)).get(0);
    }

    @Override
    public List<TaskRecordDTO> submitAll(List<TaskSpec> specs) {
        batches.add(new ArrayList<>(specs));
        List<TaskRecordDTO> out = new ArrayList<>();
        for (TaskSpec s : specs) {
            TaskRecordDTO r = new TaskRecordDTO();
            r.id = "task-" + seq.incrementAndGet();
            r.spec = s;
            r.state = TaskState.PENDING;
            tasks.put(r.id, r);
            ends.put(r.id, new CompletableFuture<>());
            ids.add(r.id);
            out.add(r);
        }
        return out;
    }

    /** Runs a function task now, in this thread, on the given function (a worker). */
    void run(String id, TaskFunction worker) {
        TaskRecordDTO r = tasks.get(id);
        try {
            r.result = worker.apply(r.spec.arguments, new TaskFunction.Context() {
                @Override
                public String taskId() {
                    return id;
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            });
            r.state = TaskState.COMPLETED;
        } catch (Exception e) {
            r.state = TaskState.FAILED;
            r.reason = e.getMessage();
        }
        ends.get(id).complete(r);
    }

    void fail(String id, String reason) {
        TaskRecordDTO r = tasks.get(id);
        r.state = TaskState.FAILED;
        r.reason = reason;
        ends.get(id).complete(r);
    }

    @Override
    public Optional<TaskRecordDTO> get(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public List<TaskRecordDTO> list(TaskFilter filter) {
        return new ArrayList<>(tasks.values());
    }

    @Override
    public boolean cancel(String id) {
        TaskRecordDTO r = tasks.get(id);
        if (r == null) {
            throw new TaskRejectedException("unknown task " + id);
        }
        if (r.state.isTerminal()) {
            return false;
        }
        r.state = TaskState.CANCELLED;
        ends.get(id).complete(r);
        return true;
    }

    @Override
    public CompletionStage<TaskRecordDTO> await(String id) {
        CompletableFuture<TaskRecordDTO> f = ends.get(id);
        if (f == null) {
            throw new TaskRejectedException("unknown task " + id);
        }
        awaited.add(id);
        return f.copy();
    }

    @Override
    public List<BackendDTO> backends() {
        return List.of();
    }
}
