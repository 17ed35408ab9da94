package org.kumiki.scheduler.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.SchedulerTopics;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.BackendUnavailableException;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The scheduler core. One lock guards all task state; one dispatcher thread packs ready tasks
 * onto backends (highest priority first, EASY backfill behind a blocked head) and calls the
 * backends outside the lock. Every state change is appended to the journal; submissions are
 * synced before they return.
 */
@Component(service = Scheduler.class, configurationPid = SchedulerImpl.PID, immediate = true)
@Designate(ocd = SchedulerImpl.Config.class)
public class SchedulerImpl implements Scheduler, Execution.Sink {

    public static final String PID = "org.kumiki.scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerImpl.class);
    static final Comparator<Task> ORDER = Comparator.comparingInt((Task t) -> -t.spec.priority).thenComparingLong(t -> t.seq);

    @ObjectClassDefinition(name = "Kumiki scheduler", description = "Task queue, dependencies, packing, retries and the durable journal")
    public @interface Config {
        @AttributeDefinition(name = "State folder", description = "Journal and task folders; empty means state/scheduler under the installation home")
        String state_dir() default "";

        @AttributeDefinition(name = "Default backend", description = "Backend for tasks that name none")
        String default_backend() default "local";

        @AttributeDefinition(name = "Backfill window", description = "How many ready tasks behind a blocked head are considered for backfill", min = "0")
        int backfill_window() default 1000;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean dirty;
    private volatile boolean stopped;

    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, TreeSet<Task>> ready = new HashMap<>();
    /** Tasks that were RUNNING when the container stopped, per backend, until it is back. */
    private final Map<String, List<Task>> awaitingReattach = new HashMap<>();
    private final Map<String, List<CompletableFuture<TaskRecordDTO>>> waiters = new HashMap<>();
    /** Task arrays by id, elements in index order. */
    private final Map<String, List<Task>> arrays = new LinkedHashMap<>();
    private long nextSeq = 1;

    private final Path stateDir;
    private final Journal journal;
    private final Codec codec = new Codec();
    private final String defaultBackend;
    private final int backfillWindow;
    private final Thread dispatcher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kumiki-scheduler-timer");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    /** A backend as the scheduler tracks it. */
    static final class Slot {
        final String name;
        final ExecutionBackend backend;
        final ExecutionBackend.Capacity cap;
        int cpus;
        int gpus;
        long memory;
        final boolean[] gpuBusy;
        final Set<Task> running = new java.util.HashSet<>();

        Slot(String name, ExecutionBackend backend) {
            this.name = name;
            this.backend = backend;
            ExecutionBackend.Capacity c = backend.capacity();
            this.cap = c == null ? ExecutionBackend.Capacity.unbounded() : c;
            this.gpuBusy = new boolean[Math.max(0, cap.gpus)];
        }

        boolean fits(int c, int g, long m) {
            return (cap.cpus < 0 || cpus + c <= cap.cpus) && (cap.gpus < 0 || gpus + g <= cap.gpus)
                    && (cap.memoryBytes < 0 || memory + m <= cap.memoryBytes);
        }
    }

    @Activate
    public SchedulerImpl(@Reference JournalFactory journals, @Reference Installation installation, Config config) throws IOException {
        this(journals, config.state_dir().isBlank() ? installation.stateDirectory("scheduler") : Path.of(config.state_dir()),
                config.default_backend(), config.backfill_window());
    }

    public SchedulerImpl(JournalFactory journals, Path stateDir, String defaultBackend, int backfillWindow) throws IOException {
        this.stateDir = stateDir.toAbsolutePath();
        this.defaultBackend = defaultBackend;
        this.backfillWindow = Math.max(0, backfillWindow);
        Map<String, byte[]> live = new LinkedHashMap<>();
        this.journal = journals.open(this.stateDir.resolve("journal"), live::put);
        long liveBytes = 0;
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            liveBytes += e.getValue().length + e.getKey().length() + 11;
            TaskRecordDTO r;
            try {
                r = Codec.json().readValue(e.getValue(), TaskRecordDTO.class);
            } catch (IOException ex) {
                LOG.error("journal record {} is unreadable and skipped: {}", e.getKey(), ex.getMessage());
                continue;
            }
            restore(r);
        }
        arrays.values().forEach(l -> l.removeIf(java.util.Objects::isNull));
        lock.lock();
        try {
            recover();
        } finally {
            lock.unlock();
        }
        if (journal.sizeBytes() > 1 << 20 && journal.sizeBytes() > 3 * liveBytes) {
            LOG.info("compacting scheduler journal: {} bytes, {} live", journal.sizeBytes(), liveBytes);
            journal.compact(live);
        }
        live.clear();
        this.dispatcher = new Thread(this::dispatchLoop, "kumiki-scheduler-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
        LOG.info("scheduler started with {} task records from {}", tasks.size(), this.stateDir);
    }

    // ------------------------------------------------------------------ recovery

    private void restore(TaskRecordDTO r) {
        if (r.id == null || r.spec == null || r.state == null) return;
        long seq = seqOf(r.id);
        Task t = new Task(r.id, seq, r.spec, r.backend == null ? defaultBackend : r.backend, r.submittedAt);
        t.state = r.state;
        t.backendJobId = r.backendJobId;
        t.exitCode = r.exitCode;
        t.reason = r.reason;
        t.result = r.result;
        t.attempt = r.attempt;
        t.startedAt = r.startedAt;
        t.finishedAt = r.finishedAt;
        if (r.arrayId != null && r.arrayIndex >= 0) {
            t.arrayId = r.arrayId;
            t.arrayIndex = r.arrayIndex;
            List<Task> elements = arrays.computeIfAbsent(r.arrayId, k -> new ArrayList<>());
            while (elements.size() <= r.arrayIndex) elements.add(null);
            elements.set(r.arrayIndex, t);
        }
        tasks.put(t.id, t);
        nextSeq = Math.max(nextSeq, seq + 1);
    }

    static long seqOf(String id) {
        try {
            return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void recover() {
        List<Task> all = new ArrayList<>(tasks.values());
        all.sort(Comparator.comparingLong(t -> t.seq));
        for (Task t : all) {
            for (DependencyDTO d : t.spec.dependencies) {
                Task dep = tasks.get(d.taskId);
                if (dep != null) {
                    t.deps.add(new Task.Dep(dep, d.type == null ? DependencyType.AFTER_OK : d.type));
                    dep.dependents.add(t);
                }
            }
        }
        for (Task t : all) {
            switch (t.state) {
                case RUNNING:
                    if (t.backendJobId != null) {
                        awaitingReattach.computeIfAbsent(t.backend, k -> new ArrayList<>()).add(t);
                    } else {
                        enqueue(t); // dispatched but never confirmed running: run it again
                    }
                    break;
                case PENDING:
                    if (t.backendJobId != null) {
                        awaitingReattach.computeIfAbsent(t.backend, k -> new ArrayList<>()).add(t); // queued in its backend
                    } else {
                        enqueue(t);
                    }
                    break;
                case BLOCKED:
                    evaluateDependencies(t, System.currentTimeMillis(), new ArrayList<>());
                    break;
                default:
                    break;
            }
        }
    }

    // ------------------------------------------------------------------ backends

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addBackend(ExecutionBackend backend, Map<String, Object> props) {
        Object n = props.get(ExecutionBackend.NAME);
        if (!(n instanceof String) || ((String) n).isBlank()) {
            LOG.warn("refused ExecutionBackend service {} ({}): property {} must be a non-blank String, is {}",
                    props.get("service.id"), backend.getClass().getName(), ExecutionBackend.NAME,
                    n == null ? "missing" : n.getClass().getSimpleName() + " " + n);
            return;
        }
        lock.lock();
        try {
            slots.put(n.toString(), new Slot(n.toString(), backend));
            dirty = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("execution backend '{}' available", n);
    }

    public void removeBackend(ExecutionBackend backend, Map<String, Object> props) {
        // SCR unbinds after @Deactivate: the journal is closed and running tasks stay RUNNING
        // in it, to be re-attached or marked LOST by the next scheduler
        if (stopped) return;
        Object n = props.get(ExecutionBackend.NAME);
        List<Execution> orphans = new ArrayList<>();
        lock.lock();
        try {
            Slot s = n instanceof String ? slots.get((String) n) : null;
            if (s == null || s.backend != backend) return;
            slots.remove(n.toString());
            for (Task t : s.running) {
                if (t.execution != null) orphans.add(t.execution);
            }
        } finally {
            lock.unlock();
        }
        for (Execution e : orphans) {
            try {
                e.lost("backend '" + n + "' went away while the task ran");
            } catch (RuntimeException ex) {
                LOG.error("marking {} LOST failed", e.task.id, ex);
            }
        }
        LOG.info("execution backend '{}' gone", n);
    }

    // ------------------------------------------------------------------ submit

    @Override
    public TaskRecordDTO submit(TaskSpec spec) {
        return submitAll(List.of(spec)).get(0);
    }

    @Override
    public List<TaskRecordDTO> submitAll(List<TaskSpec> specs) {
        if (specs == null || specs.isEmpty()) throw new TaskRejectedException("no task to submit");
        List<TaskSpec> copies = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            copies.add(validate(specs.get(i), specs.size() > 1 ? "task #" + i + ": " : ""));
        }
        checkBatchCycles(copies);
        List<TaskRecordDTO> out = new ArrayList<>(copies.size());
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            // routing and dependencies are checked under the lock, then everything is accepted
            List<Slot> routes = new ArrayList<>(copies.size());
            for (int i = 0; i < copies.size(); i++) {
                TaskSpec s = copies.get(i);
                String prefix = copies.size() > 1 ? "task #" + i + ": " : "";
                routes.add(route(s, prefix));
                expandArrayDependencies(s, prefix);
                for (DependencyDTO d : s.dependencies) {
                    if (d.taskId.startsWith("#")) continue;
                    if (!tasks.containsKey(d.taskId)) throw new TaskRejectedException(prefix + "unknown dependency " + d.taskId);
                }
            }
            boolean asArray = arrayOf(copies, routes);
            long now = System.currentTimeMillis();
            Task[] created = new Task[copies.size()];
            for (int i = 0; i < copies.size(); i++) {
                TaskSpec s = copies.get(i);
                long seq = nextSeq++;
                Task t = new Task("task-" + seq, seq, s, routes.get(i).name, now);
                created[i] = t;
                if (asArray) {
                    t.arrayId = "array-" + created[0].seq;
                    t.arrayIndex = i;
                    arrays.computeIfAbsent(t.arrayId, k -> new ArrayList<>(copies.size())).add(t);
                }
                // resolve batch-internal references to real ids, so the journal is self-contained
                for (DependencyDTO d : s.dependencies) {
                    if (d.taskId.startsWith("#")) d.taskId = created[Integer.parseInt(d.taskId.substring(1))].id;
                    Task dep = tasks.get(d.taskId);
                    t.deps.add(new Task.Dep(dep, d.type));
                    dep.dependents.add(t);
                }
                tasks.put(t.id, t);
                t.state = TaskState.BLOCKED;
                evaluateDependencies(t, now, after);
                if (t.state == TaskState.BLOCKED) persist(t);
                out.add(t.toRecord());
            }
        } finally {
            lock.unlock();
        }
        try {
            journal.sync();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the submission durable: " + e.getMessage(), e);
        }
        after.forEach(Runnable::run);
        return out;
    }

    private TaskSpec validate(TaskSpec in, String prefix) {
        if (in == null) throw new TaskRejectedException(prefix + "no task spec");
        TaskSpec s = Codec.copy(in); // the caller may reuse its object
        boolean hasCommand = s.command != null && !s.command.isEmpty();
        boolean hasFunction = s.function != null && !s.function.isBlank();
        if (hasCommand == hasFunction) {
            throw new TaskRejectedException(prefix + (hasCommand ? "give either a command or a function, not both" : "no command and no function to run"));
        }
        if (hasCommand) {
            for (String a : s.command) {
                if (a == null) throw new TaskRejectedException(prefix + "command contains a null argument");
                if (a.indexOf('\0') >= 0) throw new TaskRejectedException(prefix + "command contains a NUL character");
            }
            if (s.command.get(0).isBlank()) throw new TaskRejectedException(prefix + "empty executable name");
        }
        if (s.arguments != null) {
            if (!hasFunction) throw new TaskRejectedException(prefix + "arguments are for function tasks; a command takes them in its argument list");
            try {
                Codec.json().readTree(s.arguments);
            } catch (IOException e) {
                throw new TaskRejectedException(prefix + "arguments are not valid JSON: " + firstLine(e.getMessage()));
            }
        }
        if (s.name == null || s.name.isBlank()) s.name = hasCommand ? Path.of(s.command.get(0)).getFileName().toString() : s.function;
        if (s.resources == null) s.resources = new org.kumiki.scheduler.api.dto.ResourcesDTO();
        if (s.resources.cpus < 1) throw new TaskRejectedException(prefix + "cpus must be at least 1, got " + s.resources.cpus);
        if (s.resources.tasks < 1) throw new TaskRejectedException(prefix + "tasks (ranks) must be at least 1, got " + s.resources.tasks);
        if (s.resources.nodes < 1) throw new TaskRejectedException(prefix + "nodes must be at least 1, got " + s.resources.nodes);
        if (s.resources.cpusPerTask < 1) throw new TaskRejectedException(prefix + "cpus per task must be at least 1, got " + s.resources.cpusPerTask);
        if (s.resources.nodes > s.resources.tasks) {
            throw new TaskRejectedException(prefix + "nodes (" + s.resources.nodes + ") must not exceed tasks (" + s.resources.tasks + "): every node needs a rank");
        }
        if ((long) s.resources.tasks * s.resources.cpusPerTask > 1_000_000) throw new TaskRejectedException(prefix + "tasks x cpus per task over 1,000,000");
        if (s.launcher == null) s.launcher = org.kumiki.scheduler.api.Launcher.AUTO;
        if (hasFunction && s.resources.tasks > 1) throw new TaskRejectedException(prefix + "a function task runs as one rank; tasks must be 1, got " + s.resources.tasks);
        if (s.resources.gpus < 0) throw new TaskRejectedException(prefix + "gpus must not be negative, got " + s.resources.gpus);
        if (s.resources.memoryBytes < 0) throw new TaskRejectedException(prefix + "memory must not be negative, got " + s.resources.memoryBytes);
        if (s.resources.walltimeSeconds < 0) throw new TaskRejectedException(prefix + "walltime must not be negative, got " + s.resources.walltimeSeconds + " s");
        if (s.resources.walltimeSeconds > 366L * 24 * 3600) throw new TaskRejectedException(prefix + "walltime over one year: " + s.resources.walltimeSeconds + " s");
        if (s.retries < 0 || s.retries > 100) throw new TaskRejectedException(prefix + "retries must be between 0 and 100, got " + s.retries);
        if (s.dependencies == null) s.dependencies = new ArrayList<>();
        for (DependencyDTO d : s.dependencies) {
            if (d == null || d.taskId == null || d.taskId.isBlank()) throw new TaskRejectedException(prefix + "dependency without a task id");
            if (d.type == null) d.type = DependencyType.AFTER_OK;
        }
        if (s.environment == null) s.environment = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.environment.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0) {
                throw new TaskRejectedException(prefix + "invalid environment variable name: '" + e.getKey() + "'");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) throw new TaskRejectedException(prefix + "invalid value of environment variable " + e.getKey());
        }
        if (s.labels == null) s.labels = new LinkedHashMap<>();
        return s;
    }

    /** A dependency on {@code array-N} stands for one on each of its elements. */
    private void expandArrayDependencies(TaskSpec s, String prefix) {
        boolean any = false;
        for (DependencyDTO d : s.dependencies) any |= d.taskId.startsWith("array-");
        if (!any) return;
        List<DependencyDTO> out = new ArrayList<>();
        for (DependencyDTO d : s.dependencies) {
            if (!d.taskId.startsWith("array-")) {
                out.add(d);
                continue;
            }
            List<Task> elements = arrays.get(d.taskId);
            if (elements == null) throw new TaskRejectedException(prefix + "unknown dependency " + d.taskId);
            for (Task e : elements) out.add(DependencyDTO.of(e.id, d.type));
        }
        s.dependencies = out;
    }

    /**
     * Whether a batch becomes one task array: two or more specs on one backend that differ only
     * in command arguments, environment, working directory, output files, name and labels.
     * Asked for explicitly (label kumiki.array=true), incompatible specs are rejected in one
     * line; otherwise they simply go as separate tasks.
     */
    private static boolean arrayOf(List<TaskSpec> specs, List<Slot> routes) {
        boolean explicit = false;
        for (TaskSpec s : specs) {
            String v = s.labels.get(ARRAY_LABEL);
            if ("false".equalsIgnoreCase(v)) return false;
            if ("true".equalsIgnoreCase(v)) explicit = true;
            String throttle = s.labels.get(ARRAY_THROTTLE_LABEL);
            if (throttle != null) {
                int n;
                try {
                    n = Integer.parseInt(throttle.strip());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 1) throw new TaskRejectedException("label " + ARRAY_THROTTLE_LABEL + " must be a whole number of at least 1, got '" + throttle + "'");
            }
        }
        if (specs.size() < 2) return false;
        TaskSpec first = specs.get(0);
        for (int i = 1; i < specs.size(); i++) {
            String why = incompatible(first, routes.get(0), specs.get(i), routes.get(i));
            if (why == null) continue;
            if (explicit) throw new TaskRejectedException("task #" + i + " cannot be in one array with task #0: " + why);
            return false;
        }
        return true;
    }

    private static String incompatible(TaskSpec a, Slot sa, TaskSpec b, Slot sb) {
        if (sa != sb) return "different backend ('" + sa.name + "' and '" + sb.name + "')";
        if ((a.function == null) != (b.function == null) || (a.function != null && !a.function.equals(b.function))) {
            return "different function (" + a.function + " and " + b.function + ")";
        }
        if (a.function == null && !a.command.get(0).equals(b.command.get(0))) {
            return "different executable (" + a.command.get(0) + " and " + b.command.get(0) + ")";
        }
        org.kumiki.scheduler.api.dto.ResourcesDTO ra = a.resources, rb = b.resources;
        if (ra.cpus != rb.cpus || ra.gpus != rb.gpus || ra.memoryBytes != rb.memoryBytes || ra.walltimeSeconds != rb.walltimeSeconds
                || ra.nodes != rb.nodes || ra.tasks != rb.tasks || ra.cpusPerTask != rb.cpusPerTask) return "different resources";
        if (!java.util.Objects.equals(a.partition, b.partition)) return "different partition";
        if (a.launcher != b.launcher) return "different launcher";
        if (a.priority != b.priority) return "different priority";
        if (!sameDependencies(a, b)) return "different dependencies";
        return null;
    }

    private static boolean sameDependencies(TaskSpec a, TaskSpec b) {
        if (a.dependencies.size() != b.dependencies.size()) return false;
        for (int i = 0; i < a.dependencies.size(); i++) {
            DependencyDTO x = a.dependencies.get(i), y = b.dependencies.get(i);
            if (x.taskId.startsWith("#") || !x.taskId.equals(y.taskId) || x.type != y.type) return false;
        }
        return true;
    }

    private static void checkBatchCycles(List<TaskSpec> specs) {
        int n = specs.size();
        List<List<Integer>> edges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Integer> e = new ArrayList<>(0);
            for (DependencyDTO d : specs.get(i).dependencies) {
                if (!d.taskId.startsWith("#")) continue;
                int j;
                try {
                    j = Integer.parseInt(d.taskId.substring(1));
                } catch (NumberFormatException ex) {
                    throw new TaskRejectedException("task #" + i + ": invalid batch reference " + d.taskId);
                }
                if (j < 0 || j >= n) throw new TaskRejectedException("task #" + i + ": batch reference " + d.taskId + " is outside the batch of " + n);
                if (j == i) throw new TaskRejectedException("task #" + i + ": depends on itself");
                e.add(j);
            }
            edges.add(e);
        }
        // iterative DFS with colours; a back edge is a cycle
        byte[] colour = new byte[n];
        int[] stack = new int[n];
        int[] next = new int[n];
        for (int root = 0; root < n; root++) {
            if (colour[root] != 0) continue;
            int sp = 0;
            stack[sp++] = root;
            colour[root] = 1;
            while (sp > 0) {
                int v = stack[sp - 1];
                if (next[v] < edges.get(v).size()) {
                    int w = edges.get(v).get(next[v]++);
                    if (colour[w] == 1) throw new TaskRejectedException("dependency cycle through task #" + w + " and task #" + v);
                    if (colour[w] == 0) {
                        colour[w] = 1;
                        stack[sp++] = w;
                    }
                } else {
                    colour[v] = 2;
                    sp--;
                }
            }
        }
        // batch-internal references must point backwards so records are created in order
        for (int i = 0; i < n; i++) {
            for (int j : edges.get(i)) {
                if (j > i) throw new TaskRejectedException("task #" + i + ": depends on a later task (#" + j + "); list dependencies first");
            }
        }
    }

    private Slot route(TaskSpec s, String prefix) {
        String name = s.backend == null || s.backend.isBlank() ? defaultBackend : s.backend;
        Slot slot = slots.get(name);
        if (slot == null) {
            throw new TaskRejectedException(prefix + (slots.isEmpty() ? "no execution backend is available" : "unknown backend '" + name + "' (available: " + String.join(", ", slots.keySet()) + ")"));
        }
        ExecutionBackend.Capacity c = slot.cap;
        long cpus = Math.max(s.resources.cpus, (long) s.resources.tasks * s.resources.cpusPerTask);
        if (c.cpus >= 0 && cpus > c.cpus) {
            throw new TaskRejectedException(prefix + "needs " + cpus + " cpus" + (s.resources.tasks > 1 ? " (" + s.resources.tasks + " ranks x " + s.resources.cpusPerTask + ")" : "")
                    + " but backend '" + name + "' has " + c.cpus);
        }
        if (c.gpus >= 0 && s.resources.gpus > c.gpus) throw new TaskRejectedException(prefix + "needs " + s.resources.gpus + " GPUs but backend '" + name + "' has " + c.gpus);
        if (c.memoryBytes >= 0 && s.resources.memoryBytes > c.memoryBytes) {
            throw new TaskRejectedException(prefix + "needs " + (s.resources.memoryBytes >> 20) + " MiB of memory but backend '" + name + "' has " + (c.memoryBytes >> 20) + " MiB");
        }
        String why;
        try {
            why = slot.backend.rejects(s);
        } catch (RuntimeException e) {
            why = "backend '" + name + "' failed to check the task: " + e.getMessage();
        }
        if (why != null) throw new TaskRejectedException(prefix + why);
        return slot;
    }

    // ------------------------------------------------------------------ state changes (lock held)

    /** BLOCKED task: becomes PENDING when all dependencies are met, CANCELLED when one never can be. */
    private void evaluateDependencies(Task t, long now, List<Runnable> after) {
        boolean met = true;
        for (Task.Dep d : t.deps) {
            TaskState ds = d.task().state;
            if (ds.isTerminal()) {
                if (!d.type().satisfiedBy(ds)) {
                    finish(t, TaskState.CANCELLED, null, "dependency " + d.task().id + " ended " + ds + " (" + d.type() + " can never be met)", null, now, after);
                    return;
                }
            } else {
                met = false;
            }
        }
        if (met) {
            t.state = TaskState.PENDING;
            t.nativeDeps = List.of();
            persist(t);
            enqueue(t);
            return;
        }
        // a backend that orders jobs itself (Slurm --dependency) gets the task now, with the
        // dependencies it must enforce, once every unmet dependency runs there under a job id
        Slot slot = slots.get(t.backend);
        if (slot == null || !slot.backend.supportsNativeDependencies()) return;
        List<String> nativeDeps = new ArrayList<>(t.deps.size());
        for (Task.Dep d : t.deps) {
            Task dt = d.task();
            if (dt.state.isTerminal()) continue; // already satisfied (checked above)
            if (!dt.backend.equals(t.backend) || dt.backendJobId == null || dt.execution == null
                    || (dt.state != TaskState.RUNNING && dt.state != TaskState.PENDING)) return;
            nativeDeps.add(NATIVE[d.type().ordinal()] + ":" + dt.backendJobId);
        }
        t.nativeDeps = List.copyOf(collapseArrays(t, nativeDeps));
        t.state = TaskState.PENDING;
        t.reason = "waiting on " + String.join(",", nativeDeps) + " in backend '" + t.backend + "'";
        persist(t);
        enqueue(t);
    }

    private static final String[] NATIVE = {"afterok", "afterany", "afternotok"};

    /**
     * Dependencies on every element of an array that runs as one backend array job
     * ({@code J_0 ... J_N}) become one on the array job ({@code afterok:J}).
     */
    private List<String> collapseArrays(Task t, List<String> nativeDeps) {
        Map<String, List<Task.Dep>> byArray = new LinkedHashMap<>();
        for (Task.Dep d : t.deps) {
            if (d.task().arrayId != null && !d.task().state.isTerminal()) byArray.computeIfAbsent(d.task().arrayId + "|" + d.type(), k -> new ArrayList<>()).add(d);
        }
        if (byArray.isEmpty()) return nativeDeps;
        List<String> out = new ArrayList<>(nativeDeps);
        for (List<Task.Dep> group : byArray.values()) {
            List<Task> elements = arrays.get(group.get(0).task().arrayId);
            if (elements == null || group.size() != elements.size()) continue;
            String job = commonArrayJob(elements);
            if (job == null) continue;
            String type = NATIVE[group.get(0).type().ordinal()];
            for (Task.Dep d : group) out.remove(type + ":" + d.task().backendJobId);
            out.add(type + ":" + job);
        }
        return out;
    }

    /** {@code J} when every element runs as {@code J_i} of one backend array job, else null. */
    private static String commonArrayJob(List<Task> elements) {
        String job = null;
        for (Task e : elements) {
            String id = e.backendJobId;
            int u = id == null ? -1 : id.indexOf('_');
            if (u <= 0) return null;
            String j = id.substring(0, u);
            if (job == null) job = j;
            else if (!job.equals(j)) return null;
        }
        return job;
    }

    private void enqueue(Task t) {
        t.state = TaskState.PENDING;
        t.queued = true;
        ready.computeIfAbsent(t.backend, k -> new TreeSet<>(ORDER)).add(t);
        dirty = true;
        wake.signalAll();
    }

    /** Final state: journal, waiters, events, dependents. */
    private void finish(Task t, TaskState state, Integer exitCode, String reason, String result, long now, List<Runnable> after) {
        t.state = state;
        t.exitCode = exitCode;
        t.reason = reason;
        t.result = result;
        t.finishedAt = now;
        if (t.queued) {
            TreeSet<Task> q = ready.get(t.backend);
            if (q != null) q.remove(t);
            t.queued = false;
        }
        persist(t);
        List<CompletableFuture<TaskRecordDTO>> ws = waiters.remove(t.id);
        TaskRecordDTO rec = ws == null && events == null ? null : t.toRecord();
        if (ws != null) after.add(() -> ws.forEach(f -> f.complete(rec)));
        post(t, rec, after);
        for (Task d : t.dependents) {
            if (d.state == TaskState.BLOCKED) evaluateDependencies(d, now, after);
        }
    }

    private void persist(Task t) {
        journal.put(t.id, codec.record(t));
    }

    private void post(Task t, TaskRecordDTO rec, List<Runnable> after) {
        EventAdmin ea = events;
        if (ea == null) return;
        Map<String, Object> p = new HashMap<>();
        p.put(SchedulerTopics.TASK_ID, t.id);
        p.put(SchedulerTopics.TASK_NAME, t.spec.name);
        p.put(SchedulerTopics.TASK_STATE, t.state.name());
        p.put(SchedulerTopics.TASK_BACKEND, t.backend);
        if (t.exitCode != null) p.put(SchedulerTopics.TASK_EXIT_CODE, t.exitCode);
        Event ev = new Event(SchedulerTopics.PREFIX + t.state.name(), p);
        after.add(() -> {
            try {
                ea.postEvent(ev);
            } catch (RuntimeException e) {
                LOG.debug("cannot post event", e);
            }
        });
    }

    // ------------------------------------------------------------------ backend callbacks

    @Override
    public void queued(Execution e, String backendJobId) {
        if (stopped) return; // closed: the journal keeps the task as it was, for the next scheduler
        List<Runnable> after = new ArrayList<>(1);
        lock.lock();
        try {
            Task t = e.task;
            if (t.execution != e || t.state != TaskState.PENDING) return;
            t.backendJobId = backendJobId;
            t.reason = "queued in backend '" + t.backend + "' as " + backendJobId;
            persist(t);
            for (Task d : t.dependents) {
                if (d.state == TaskState.BLOCKED) evaluateDependencies(d, System.currentTimeMillis(), after);
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    @Override
    public void running(Execution e, String backendJobId) {
        if (stopped) return; // closed: the journal keeps the task as it was, for the next scheduler
        List<Runnable> after = new ArrayList<>(1);
        lock.lock();
        try {
            Task t = e.task;
            if (t.execution != e || t.state.isTerminal()) return;
            if (t.state == TaskState.RUNNING && backendJobId.equals(t.backendJobId)) return; // re-attached, already running
            t.state = TaskState.RUNNING;
            t.backendJobId = backendJobId;
            t.startedAt = System.currentTimeMillis();
            t.reason = null;
            persist(t);
            post(t, null, after);
            for (Task d : t.dependents) {
                if (d.state == TaskState.BLOCKED) evaluateDependencies(d, System.currentTimeMillis(), after);
            }
            long wall = t.walltimeMs();
            if (wall > 0) {
                long left = Math.max(0, t.startedAt + wall - System.currentTimeMillis());
                timer.schedule(() -> walltimeReached(e), left, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    private void walltimeReached(Execution e) {
        ExecutionBackend b;
        lock.lock();
        try {
            if (e.hasEnded() || e.task.execution != e) return;
            e.timeoutRequested = true;
            e.cancelRequested = true;
            Slot s = slots.get(e.task.backend);
            b = s == null ? null : s.backend;
        } finally {
            lock.unlock();
        }
        if (b == null) {
            e.timedOut("walltime of " + e.task.spec.resources.walltimeSeconds + " s reached (backend gone)");
            return;
        }
        try {
            b.cancel(e);
        } catch (RuntimeException ex) {
            LOG.warn("backend failed to stop {} at its walltime: {}", e.task.id, ex.toString());
        }
    }

    @Override
    public void ended(Execution e, TaskState state, Integer exitCode, String reason, String result) {
        if (stopped) return; // closed: the journal keeps the task as it was, for the next scheduler
        List<Runnable> after = new ArrayList<>(2);
        List<Start> starts = null;
        lock.lock();
        try {
            Task t = e.task;
            if (t.execution != e) return;
            release(t);
            t.execution = null;
            long now = System.currentTimeMillis();
            // a stop the scheduler asked for decides the state, as in Slurm: a killed process
            // tree may well exit 0 (a shell whose children died first)
            if (e.timeoutRequested) {
                state = TaskState.TIMED_OUT;
                reason = "walltime of " + t.spec.resources.walltimeSeconds + " s reached";
            } else if (e.cancelRequested) {
                state = TaskState.CANCELLED;
                if (reason == null || !reason.startsWith("cancel")) reason = "cancelled" + (reason == null ? "" : " (" + reason + ")");
            }
            boolean retryable = state == TaskState.FAILED || state == TaskState.TIMED_OUT || state == TaskState.LOST;
            if (retryable && t.attempt <= t.spec.retries) {
                t.exitCode = exitCode;
                t.backendJobId = null; // the next attempt gets its own
                t.reason = "attempt " + t.attempt + " ended " + state + (reason == null ? "" : ": " + reason) + "; retrying";
                t.finishedAt = now;
                persist(t);
                enqueue(t);
            } else {
                finish(t, state, exitCode, reason, result, now, after);
            }
            // start what now fits on this backend right here, without a hand-off to the
            // dispatcher thread; other backends (dependents routed elsewhere) are the dispatcher's
            Slot s = slots.get(t.backend);
            TreeSet<Task> q = ready.get(t.backend);
            if (s != null && q != null && !q.isEmpty()) {
                starts = new ArrayList<>(2);
                select(s, q, now, starts);
            }
            dirty = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
        if (starts != null) launch(starts);
    }

    private void release(Task t) {
        Slot s = slots.get(t.backend);
        if (s == null || !s.running.remove(t)) return;
        s.cpus -= t.cpus();
        s.gpus -= t.gpus();
        s.memory -= t.memory();
        for (int g : t.gpuIds) if (g < s.gpuBusy.length) s.gpuBusy[g] = false;
        t.gpuIds = new int[0];
    }

    private void allocate(Slot s, Task t) {
        s.cpus += t.cpus();
        s.gpus += t.gpus();
        s.memory += t.memory();
        int need = t.gpus();
        int[] ids = new int[Math.min(need, s.gpuBusy.length)];
        for (int g = 0, k = 0; g < s.gpuBusy.length && k < ids.length; g++) {
            if (!s.gpuBusy[g]) {
                s.gpuBusy[g] = true;
                ids[k++] = g;
            }
        }
        t.gpuIds = ids;
        s.running.add(t);
    }

    // ------------------------------------------------------------------ dispatch

    private record Start(Slot slot, Execution exec, boolean reattach) {}

    private void dispatchLoop() {
        while (!stopped) {
            List<Start> starts = new ArrayList<>();
            lock.lock();
            try {
                while (!dirty && !stopped) wake.await();
                if (stopped) return;
                dirty = false;
                long now = System.currentTimeMillis();
                for (Slot s : slots.values()) {
                    List<Task> re = awaitingReattach.remove(s.name);
                    if (re != null) {
                        for (Task t : re) {
                            Execution e = newExecution(t, t.attempt);
                            allocate(s, t);
                            starts.add(new Start(s, e, true));
                        }
                    }
                    TreeSet<Task> q = ready.get(s.name);
                    if (q != null && !q.isEmpty()) select(s, q, now, starts);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            launch(starts);
        }
    }

    /** Per backend: the current delay before trying an unavailable backend again. */
    private final Map<String, Long> backoff = new java.util.concurrent.ConcurrentHashMap<>();
    static final long BACKOFF_MIN_MS = 500, BACKOFF_MAX_MS = 60_000;

    /** The backend could not take the task now: queue it again after a growing delay, same attempt count. */
    private void requeueLater(Slot slot, Execution e, String why) {
        long delay = backoff.merge(slot.name, BACKOFF_MIN_MS, (old, x) -> Math.min(BACKOFF_MAX_MS, old * 2));
        lock.lock();
        try {
            Task t = e.task;
            if (t.execution != e || e.hasEnded()) return;
            release(t);
            t.execution = null;
            t.backendJobId = null;
            t.attempt--;
            t.state = TaskState.PENDING;
            t.reason = "backend '" + slot.name + "' unavailable (" + why + "); trying again in " + (delay / 1000.0) + " s";
            persist(t);
        } finally {
            lock.unlock();
        }
        LOG.warn("task {}: {}", e.task.id, e.task.reason);
        timer.schedule(() -> {
            lock.lock();
            try {
                Task t = e.task;
                if (t.state == TaskState.PENDING && t.execution == null && !t.queued) enqueue(t);
            } finally {
                lock.unlock();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Calls the backends, outside the lock. */
    private void launch(List<Start> starts) {
        starts = launchArrays(starts);
        for (Start st : starts) {
            try {
                if (st.reattach()) {
                    if (!st.slot().backend.reattach(st.exec(), st.exec().task.backendJobId)) {
                        st.exec().lost("was running when the scheduler stopped; its outcome is unknown");
                    }
                } else {
                    st.slot().backend.start(st.exec());
                    backoff.remove(st.slot().name);
                }
            } catch (BackendUnavailableException ex) {
                requeueLater(st.slot(), st.exec(), firstLine(String.valueOf(ex.getMessage())));
            } catch (Exception ex) {
                st.exec().failed("backend '" + st.slot().name + "' could not start the task: " + firstLine(String.valueOf(ex.getMessage())));
            }
        }
    }

    /**
     * Offers the elements of one array that start together (same backend, same native
     * dependencies) to the backend as one array job; returns the starts left to do one by one.
     */
    private List<Start> launchArrays(List<Start> starts) {
        Map<String, List<Start>> groups = null;
        for (Start st : starts) {
            if (!st.reattach() && st.exec().task.arrayId != null) {
                if (groups == null) groups = new LinkedHashMap<>();
                groups.computeIfAbsent(st.slot().name + "|" + st.exec().task.arrayId + "|" + st.exec().nativeDeps, k -> new ArrayList<>()).add(st);
            }
        }
        if (groups == null) return starts;
        java.util.Set<Start> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (List<Start> g : groups.values()) {
            if (g.size() < 2) continue;
            Slot slot = g.get(0).slot();
            List<org.kumiki.scheduler.api.spi.TaskExecution> execs = new ArrayList<>(g.size());
            for (Start st : g) execs.add(st.exec());
            int throttle = 0;
            String label = g.get(0).exec().task.spec.labels.get(ARRAY_THROTTLE_LABEL);
            if (label != null) {
                try {
                    throttle = Integer.parseInt(label.strip());
                } catch (NumberFormatException e) {
                    throttle = 0;
                }
            }
            try {
                if (!slot.backend.startArray(execs, throttle)) continue;
                backoff.remove(slot.name);
            } catch (BackendUnavailableException ex) {
                for (Start st : g) requeueLater(slot, st.exec(), firstLine(String.valueOf(ex.getMessage())));
            } catch (Exception ex) {
                for (Start st : g) st.exec().failed("backend '" + slot.name + "' could not start the array: " + firstLine(String.valueOf(ex.getMessage())));
            }
            done.addAll(g);
        }
        if (done.isEmpty()) return starts;
        List<Start> rest = new ArrayList<>(starts.size() - done.size());
        for (Start st : starts) if (!done.contains(st)) rest.add(st);
        return rest;
    }

    /** Packs ready tasks onto one backend: priority order, EASY backfill behind a blocked head. */
    private void select(Slot s, TreeSet<Task> q, long now, List<Start> starts) {
        if (s.cap.cpus >= 0 && s.cpus >= s.cap.cpus) return; // every task needs a cpu: nothing fits
        Task head = null;
        long shadow = Long.MAX_VALUE;
        int extraCpus = 0, extraGpus = 0;
        long extraMem = 0;
        int scanned = 0;
        for (Iterator<Task> it = q.iterator(); it.hasNext();) {
            Task t = it.next();
            if (head != null && ++scanned > backfillWindow) break;
            boolean fits = s.fits(t.cpus(), t.gpus(), t.memory());
            if (head == null) {
                if (fits) {
                    it.remove();
                    start(s, t, starts);
                    continue;
                }
                head = t;
                // when will the head fit? walk running tasks by expected end
                List<Task> running = new ArrayList<>(s.running);
                running.sort(Comparator.comparingLong(r -> r.walltimeMs() > 0 ? r.startedAt + r.walltimeMs() : Long.MAX_VALUE));
                int c = s.cpus, g = s.gpus;
                long m = s.memory;
                for (Task r : running) {
                    c -= r.cpus();
                    g -= r.gpus();
                    m -= r.memory();
                    long end = r.walltimeMs() > 0 ? Math.max(now, r.startedAt + r.walltimeMs()) : Long.MAX_VALUE;
                    if ((s.cap.cpus < 0 || c + head.cpus() <= s.cap.cpus) && (s.cap.gpus < 0 || g + head.gpus() <= s.cap.gpus)
                            && (s.cap.memoryBytes < 0 || m + head.memory() <= s.cap.memoryBytes)) {
                        shadow = end;
                        extraCpus = s.cap.cpus < 0 ? Integer.MAX_VALUE : s.cap.cpus - c - head.cpus();
                        extraGpus = s.cap.gpus < 0 ? Integer.MAX_VALUE : s.cap.gpus - g - head.gpus();
                        extraMem = s.cap.memoryBytes < 0 ? Long.MAX_VALUE : s.cap.memoryBytes - m - head.memory();
                        break;
                    }
                }
                if (shadow == Long.MAX_VALUE) {
                    extraCpus = extraGpus = 0;
                    // nothing may start before a head whose start time is unknown, except
                    // tasks with a walltime (and those also need a finite shadow): done
                    break;
                }
                continue;
            }
            if (!fits) continue;
            boolean endsBeforeShadow = t.walltimeMs() > 0 && shadow != Long.MAX_VALUE && now + t.walltimeMs() <= shadow;
            boolean inExtra = t.cpus() <= extraCpus && t.gpus() <= extraGpus && t.memory() <= extraMem;
            if (endsBeforeShadow || inExtra) {
                if (!endsBeforeShadow) {
                    extraCpus -= t.cpus();
                    extraGpus -= t.gpus();
                    extraMem -= t.memory();
                }
                it.remove();
                start(s, t, starts);
            }
        }
    }

    private void start(Slot s, Task t, List<Start> starts) {
        t.queued = false;
        t.attempt++;
        allocate(s, t);
        starts.add(new Start(s, newExecution(t, t.attempt), false));
    }

    private Execution newExecution(Task t, int attempt) {
        Execution e = new Execution(t, attempt, stateDir.resolve("tasks").resolve(t.id), t.gpuIds, t.nativeDeps, this);
        t.execution = e;
        return e;
    }

    // ------------------------------------------------------------------ queries

    @Override
    public Optional<TaskRecordDTO> get(String id) {
        lock.lock();
        try {
            Task t = id == null ? null : tasks.get(id);
            return t == null ? Optional.empty() : Optional.of(t.toRecord());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<TaskRecordDTO> list(TaskFilter f) {
        TaskFilter filter = f == null ? new TaskFilter() : f;
        List<Task> matches = new ArrayList<>();
        lock.lock();
        try {
            for (Task t : tasks.values()) {
                if (filter.states != null && !filter.states.isEmpty() && !filter.states.contains(t.state)) continue;
                if (filter.backend != null && !filter.backend.equals(t.backend)) continue;
                if (filter.arrayId != null && !filter.arrayId.equals(t.arrayId)) continue;
                if (filter.namePrefix != null && (t.spec.name == null || !t.spec.name.startsWith(filter.namePrefix))) continue;
                if (filter.labels != null && !filter.labels.isEmpty()
                        && !filter.labels.entrySet().stream().allMatch(e -> e.getValue() != null && e.getValue().equals(t.spec.labels.get(e.getKey())))) continue;
                matches.add(t);
            }
            matches.sort(Comparator.comparingLong((Task t) -> t.seq).reversed());
            int n = filter.limit > 0 ? Math.min(filter.limit, matches.size()) : matches.size();
            List<TaskRecordDTO> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(matches.get(i).toRecord());
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean cancel(String id) {
        Execution running;
        ExecutionBackend backend;
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            Task t = id == null ? null : tasks.get(id);
            if (t == null) throw new TaskRejectedException("unknown task " + id);
            if (t.state.isTerminal()) return false;
            if (t.execution == null) {
                String why = t.state == TaskState.RUNNING
                        ? "cancelled while backend '" + t.backend + "' was unavailable; it may still run there as " + t.backendJobId
                        : "cancelled before it ran";
                List<Task> re = awaitingReattach.get(t.backend);
                if (re != null) re.remove(t);
                finish(t, TaskState.CANCELLED, null, why, null, System.currentTimeMillis(), after);
                running = null;
                backend = null;
            } else {
                running = t.execution;
                running.cancelRequested = true;
                Slot s = slots.get(t.backend);
                backend = s == null ? null : s.backend;
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
        if (running != null) {
            if (backend == null) running.cancelled("cancelled (backend gone)");
            else backend.cancel(running);
        }
        return true;
    }

    @Override
    public CompletionStage<TaskRecordDTO> await(String id) {
        lock.lock();
        try {
            Task t = id == null ? null : tasks.get(id);
            if (t == null) throw new TaskRejectedException("unknown task " + id);
            if (t.state.isTerminal()) return CompletableFuture.completedFuture(t.toRecord());
            CompletableFuture<TaskRecordDTO> f = new CompletableFuture<>();
            waiters.computeIfAbsent(id, k -> new ArrayList<>(1)).add(f);
            return f;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<org.kumiki.scheduler.api.dto.ArrayDTO> arrays() {
        lock.lock();
        try {
            List<org.kumiki.scheduler.api.dto.ArrayDTO> out = new ArrayList<>(arrays.size());
            for (Map.Entry<String, List<Task>> e : arrays.entrySet()) {
                List<Task> el = e.getValue();
                if (el.isEmpty()) continue;
                org.kumiki.scheduler.api.dto.ArrayDTO a = new org.kumiki.scheduler.api.dto.ArrayDTO();
                a.id = e.getKey();
                a.name = el.get(0).spec.name;
                a.backend = el.get(0).backend;
                a.firstTaskId = el.get(0).id;
                a.lastTaskId = el.get(el.size() - 1).id;
                a.size = el.size();
                a.submittedAt = el.get(0).submittedAt;
                a.backendJobId = commonArrayJob(el);
                Map<TaskState, Integer> counts = new java.util.EnumMap<>(TaskState.class);
                for (Task t : el) counts.merge(t.state, 1, Integer::sum);
                a.states.putAll(counts);
                out.add(a);
            }
            java.util.Collections.reverse(out);
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int cancelArray(String arrayId) {
        Map<ExecutionBackend, List<org.kumiki.scheduler.api.spi.TaskExecution>> stop = new java.util.IdentityHashMap<>();
        List<Execution> orphans = new ArrayList<>();
        List<Runnable> after = new ArrayList<>();
        int n = 0;
        lock.lock();
        try {
            List<Task> el = arrayId == null ? null : arrays.get(arrayId);
            if (el == null) throw new TaskRejectedException("unknown array " + arrayId);
            long now = System.currentTimeMillis();
            for (Task t : el) {
                if (t.state.isTerminal()) continue;
                n++;
                if (t.execution == null) {
                    List<Task> re = awaitingReattach.get(t.backend);
                    if (re != null) re.remove(t);
                    finish(t, TaskState.CANCELLED, null, "cancelled with array " + arrayId + " before it ran", null, now, after);
                } else {
                    t.execution.cancelRequested = true;
                    Slot s = slots.get(t.backend);
                    if (s == null) orphans.add(t.execution);
                    else stop.computeIfAbsent(s.backend, k -> new ArrayList<>()).add(t.execution);
                }
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
        for (Execution e : orphans) e.cancelled("cancelled (backend gone)");
        for (Map.Entry<ExecutionBackend, List<org.kumiki.scheduler.api.spi.TaskExecution>> e : stop.entrySet()) {
            try {
                e.getKey().cancelAll(e.getValue());
            } catch (RuntimeException ex) {
                LOG.warn("backend failed to cancel array {}: {}", arrayId, ex.toString());
            }
        }
        return n;
    }

    @Override
    public List<BackendDTO> backends() {
        lock.lock();
        try {
            List<BackendDTO> out = new ArrayList<>();
            for (Slot s : slots.values()) {
                BackendDTO b = new BackendDTO();
                b.name = s.name;
                b.description = s.backend.getClass().getSimpleName();
                b.isDefault = s.name.equals(defaultBackend);
                b.cpus = s.cap.cpus;
                b.gpus = s.cap.gpus;
                b.memoryBytes = s.cap.memoryBytes;
                b.cpusInUse = s.cpus;
                b.gpusInUse = s.gpus;
                b.memoryInUse = s.memory;
                b.running = s.running.size();
                TreeSet<Task> q = ready.get(s.name);
                b.pending = q == null ? 0 : q.size();
                out.add(b);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Deactivate
    public void close() {
        stopped = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        dispatcher.interrupt();
        timer.shutdownNow();
        try {
            dispatcher.join(2000);
            journal.close();
        } catch (IOException | InterruptedException e) {
            LOG.warn("closing the scheduler journal: {}", e.toString());
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).trim();
    }

    // visible for tests
    int readyCount() {
        lock.lock();
        try {
            return ready.values().stream().mapToInt(Set::size).sum();
        } finally {
            lock.unlock();
        }
    }
}
