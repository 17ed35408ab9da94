package org.kumiki.scheduler.local.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskExecution;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on this node. Commands become processes (stdout/stderr to files, GPU tasks get
 * CUDA_VISIBLE_DEVICES, cancel kills the whole process tree: SIGTERM, then SIGKILL after a
 * grace period); functions run in-process on a pool.
 *
 * <p>Every task process carries the environment marker {@link ProcessTable#MARKER} (task
 * folder and attempt), which all its descendants inherit, also those that left its session
 * with {@code setsid} or were double-forked: cancel and walltime kill them all, and before a
 * task runs again (a retry, or after a restart of the container) whatever is left of its
 * earlier attempts is killed first. The job id is {@code <pid>:<start time>} (clock ticks
 * from {@code /proc/<pid>/stat}), so a reused pid is never mistaken for the task.
 */
@Component(configurationPid = LocalBackend.PID, property = ExecutionBackend.NAME + "=local")
@Designate(ocd = LocalBackend.Config.class)
public class LocalBackend implements ExecutionBackend {

    public static final String PID = "org.kumiki.scheduler.local";
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);

    @ObjectClassDefinition(name = "Kumiki local backend", description = "Runs tasks on this node")
    public @interface Config {
        @AttributeDefinition(name = "CPUs", description = "Cores tasks may use; 0 = all the hardware profile reports")
        int cpus() default 0;

        @AttributeDefinition(name = "GPUs", description = "GPUs tasks may use; -1 = all the hardware profile reports")
        int gpus() default -1;

        @AttributeDefinition(name = "Memory (MiB)", description = "Memory tasks may declare in total; 0 = 90% of physical memory")
        long memory_mib() default 0;

        @AttributeDefinition(name = "Kill grace (ms)", description = "Time between SIGTERM and SIGKILL when a task is cancelled or times out", min = "0")
        long kill_grace_ms() default 2000;

        @AttributeDefinition(name = "Function threads", description = "Threads running in-process functions; 0 = CPUs", min = "0")
        int function_threads() default 0;

        @AttributeDefinition(name = "Function wait (s)", description = "How long a function task waits at start for its function to be registered (bundles still starting after a restart) before it fails", min = "0")
        long function_wait_s() default 60;
    }

    private final Capacity capacity;
    private final long graceMs;
    private final Map<String, TaskFunction> functions = new ConcurrentHashMap<>();
    private final Map<TaskExecution, Process> processes = new ConcurrentHashMap<>();
    private final Map<TaskExecution, Future<?>> calls = new ConcurrentHashMap<>();
    /** Function tasks waiting for their function to be registered, with their time-outs. */
    private final Map<TaskExecution, Future<?>> awaitingFunction = new ConcurrentHashMap<>();
    private final long functionWaitMs;
    private final ExecutorService functionPool;
    private final ExecutorService waiters = Executors.newCachedThreadPool(daemon("kumiki-local-waiter"));
    private final ScheduledExecutorService killer;

    @Activate
    public LocalBackend(@Reference(cardinality = ReferenceCardinality.OPTIONAL) HardwareProfile hardware, Config config) {
        int hwCpus = hardware != null ? hardware.cpuCores() : Runtime.getRuntime().availableProcessors();
        int hwGpus = hardware != null ? hardware.gpus().size() : 0;
        long hwMem = hardware != null && hardware.memoryBytes() > 0 ? hardware.memoryBytes() : Runtime.getRuntime().maxMemory();
        int cpus = config.cpus() > 0 ? config.cpus() : hwCpus;
        int gpus = config.gpus() >= 0 ? config.gpus() : hwGpus;
        long mem = config.memory_mib() > 0 ? config.memory_mib() << 20 : (long) (hwMem * 0.9);
        this.capacity = new Capacity(cpus, gpus, mem);
        this.graceMs = config.kill_grace_ms();
        this.functionWaitMs = Math.max(0, config.function_wait_s()) * 1000L;
        int threads = config.function_threads() > 0 ? config.function_threads() : cpus;
        this.functionPool = Executors.newFixedThreadPool(Math.max(1, threads), daemon("kumiki-local-function"));
        this.killer = Executors.newSingleThreadScheduledExecutor(daemon("kumiki-local-killer"));
        LOG.info("local backend: {} cpus, {} gpus, {} MiB", cpus, gpus, mem >> 20);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addFunction(TaskFunction f, Map<String, Object> props) {
        Object n = props.get(TaskFunction.NAME);
        if (!(n instanceof String) || ((String) n).isBlank()) {
            LOG.warn("refused TaskFunction service {} ({}): property {} must be a non-blank String, is {}",
                    props.get("service.id"), f.getClass().getName(), TaskFunction.NAME,
                    n == null ? "missing" : n.getClass().getSimpleName() + " " + n);
            return;
        }
        functions.put(n.toString(), f);
        for (TaskExecution e : new ArrayList<>(awaitingFunction.keySet())) {
            if (n.toString().equals(e.spec().function)) {
                Future<?> timeout = awaitingFunction.remove(e);
                if (timeout == null) continue; // timed out or cancelled meanwhile
                timeout.cancel(false);
                LOG.info("task {}: function '{}' is registered now; starting", e.taskId(), n);
                startFunction(e);
            }
        }
    }

    void removeFunction(TaskFunction f, Map<String, Object> props) {
        Object n = props.get(TaskFunction.NAME);
        if (n instanceof String) functions.remove(n, f);
    }

    @Override
    public Capacity capacity() {
        return capacity;
    }

    @Override
    public String rejects(TaskSpec spec) {
        if (spec.function != null && !functions.containsKey(spec.function)) {
            return "unknown function '" + spec.function + "'" + (functions.isEmpty() ? " (none registered)" : " (registered: " + String.join(", ", new java.util.TreeSet<>(functions.keySet())) + ")");
        }
        if (spec.resources != null && spec.resources.nodes > 1) {
            return "spans " + spec.resources.nodes + " nodes; the local backend is one node (use --backend slurm)";
        }
        if (spec.launcher == org.kumiki.scheduler.api.Launcher.SRUN) return "launcher SRUN needs Slurm; locally parallel tasks run under mpirun (AUTO or MPIRUN)";
        if (spec.function == null && !commandLine(spec).equals(spec.command) && !mpirunFound()) {
            return "a parallel task runs under mpirun, which is not installed here (apt-get install openmpi-bin)";
        }
        if (spec.workingDirectory != null && !Files.isDirectory(Path.of(spec.workingDirectory))) {
            return "working directory " + spec.workingDirectory + " does not exist";
        }
        return null;
    }

    /**
     * The command, for a parallel task (more than one rank) under {@code mpirun -np N}
     * (launcher AUTO or MPIRUN; NONE runs the command as it is). The scheduler has reserved
     * tasks x cpusPerTask cores for it.
     */
    private static volatile Boolean mpirun;

    private static boolean mpirunFound() {
        Boolean m = mpirun;
        if (m == null) {
            m = false;
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mpirun"))) m = true;
            }
            mpirun = m;
        }
        return m;
    }

    static List<String> commandLine(TaskSpec spec) {
        org.kumiki.scheduler.api.Launcher l = spec.launcher == null ? org.kumiki.scheduler.api.Launcher.AUTO : spec.launcher;
        int ranks = spec.resources == null ? 1 : spec.resources.tasks;
        if (l == org.kumiki.scheduler.api.Launcher.NONE || (ranks <= 1 && l != org.kumiki.scheduler.api.Launcher.MPIRUN)) return spec.command;
        List<String> cmd = new java.util.ArrayList<>(List.of("mpirun", "-np", Integer.toString(Math.max(1, ranks)), "--oversubscribe", "--bind-to", "none"));
        int perRank = spec.resources == null ? 1 : Math.max(1, spec.resources.cpusPerTask);
        if (perRank > 1) cmd.addAll(List.of("-x", "OMP_NUM_THREADS=" + perRank));
        cmd.addAll(spec.command);
        return cmd;
    }

    @Override
    public void start(TaskExecution e) throws Exception {
        TaskSpec spec = e.spec();
        if (spec.function != null) {
            startFunction(e);
        } else {
            // spawn right here: the caller is the scheduler's dispatcher or the thread that saw
            // the previous task end, and a hand-off to another thread only adds latency
            try {
                startProcess(e);
            } catch (Exception ex) {
                e.failed("cannot start " + spec.command.get(0) + ": " + ex.getMessage());
            }
        }
    }

    private void startFunction(TaskExecution e) {
        String name = e.spec().function;
        TaskFunction fn = functions.get(name);
        if (fn == null) {
            // its bundle may still be starting (after a restart the scheduler starts queued
            // tasks as soon as this backend is up): wait for it, bounded
            Future<?> timeout = killer.schedule(() -> {
                if (awaitingFunction.remove(e) != null) {
                    e.failed("function '" + name + "' is not registered (waited " + functionWaitMs / 1000 + " s for it"
                            + (functions.isEmpty() ? "; none is registered)" : "; registered: " + String.join(", ", new java.util.TreeSet<>(functions.keySet())) + ")"));
                }
            }, functionWaitMs, TimeUnit.MILLISECONDS);
            awaitingFunction.put(e, timeout);
            LOG.info("task {} waits up to {} s for function '{}' to be registered", e.taskId(), functionWaitMs / 1000, name);
            // registered between the look-up and now: start it
            if (functions.containsKey(name) && awaitingFunction.remove(e) != null) {
                timeout.cancel(false);
                startFunction(e);
            }
            return;
        }
        TaskFunction.Context ctx = new TaskFunction.Context() {
            @Override public String taskId() { return e.taskId(); }
            @Override public boolean isCancelled() { return e.isCancelRequested() || Thread.currentThread().isInterrupted(); }
        };
        Future<?> f = functionPool.submit(() -> {
            e.running(Thread.currentThread().getName());
            try {
                String result = fn.apply(e.spec().arguments, ctx);
                if (e.isCancelRequested()) e.cancelled("cancelled");
                else e.completed(result);
            } catch (InterruptedException ie) {
                e.cancelled("interrupted");
            } catch (Throwable t) {
                e.failed(t.getClass().getSimpleName() + ": " + t.getMessage());
            } finally {
                calls.remove(e);
            }
        });
        calls.put(e, f);
        if (f.isDone()) calls.remove(e);
    }

    private void startProcess(TaskExecution e) throws IOException {
        TaskSpec spec = e.spec();
        ProcessBuilder pb = new ProcessBuilder(commandLine(spec));
        if (spec.workingDirectory != null) pb.directory(new File(spec.workingDirectory));
        pb.environment().putAll(spec.environment);
        int[] gpus = e.gpus();
        StringBuilder cvd = new StringBuilder();
        for (int g : gpus) cvd.append(cvd.length() == 0 ? "" : ",").append(g);
        pb.environment().put("CUDA_VISIBLE_DEVICES", cvd.toString());
        pb.environment().put("KUMIKI_TASK_ID", e.taskId());
        pb.environment().put(ProcessTable.MARKER, ProcessTable.marker(e.taskDirectory(), e.attempt()));
        pb.environment().put("KUMIKI_CPUS", Integer.toString(Math.max(1, spec.resources.cpus)));
        if (spec.resources.tasks > 1 && "root".equals(System.getProperty("user.name"))) {
            // Open MPI refuses to run as root unless told
            pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        }
        Path out = spec.stdout != null ? Path.of(spec.stdout) : null;
        Path err = spec.stderr != null ? Path.of(spec.stderr) : null;
        if (out == null || err == null) {
            Files.createDirectories(e.taskDirectory());
            if (out == null) out = e.taskDirectory().resolve("stdout.log");
            if (err == null) err = e.taskDirectory().resolve("stderr.log");
        }
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        pb.redirectError(out.equals(err) ? ProcessBuilder.Redirect.appendTo(out.toFile()) : ProcessBuilder.Redirect.appendTo(err.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (e.attempt() > 1) {
            // an earlier attempt may have left processes (a retry after a walltime kill still
            // in its grace period, survivors of a container that was killed): never run twice
            killLeftovers(e, null, "before attempt " + e.attempt());
        }
        Process p = pb.start();
        processes.put(e, p);
        e.running(jobId(p.pid()));
        if (e.isCancelRequested()) kill(e);
        // wait on a thread of our own: Process.onExit() hands completions to the common
        // fork-join pool, one thread on a 2-core machine, which would serialise every
        // completion and the next spawn that the scheduler starts from it
        waiters.execute(() -> {
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            processes.remove(e);
            e.exited(code, code == 0 ? null : (code > 128 ? "exit code " + code + " (signal " + (code - 128) + ")" : "exit code " + code));
        });
    }

    /** {@code <pid>:<start time>}, or the pid alone where /proc cannot tell the start time. */
    static String jobId(long pid) {
        return ProcessTable.startTime(pid).map(t -> pid + ":" + t).orElse(Long.toString(pid));
    }

    /**
     * Kills, and waits for, every process left by earlier attempts of the task: those with its
     * marker, and the process recorded under {@code jobId} if it is still the same process
     * (same start time). Logs what it found. Returns how many it found.
     */
    int killLeftovers(TaskExecution e, String jobId, String when) {
        String prefix = ProcessTable.taskPrefix(e.taskDirectory());
        Map<ProcessHandle, String> found = ProcessTable.marked(v -> v.startsWith(prefix));
        if (jobId != null) {
            String[] parts = jobId.split(":");
            try {
                long pid = Long.parseLong(parts[0]);
                Optional<Long> start = ProcessTable.startTime(pid);
                if (parts.length == 2 && start.isPresent() && start.get() == Long.parseLong(parts[1])) {
                    ProcessHandle.of(pid).ifPresent(h -> {
                        found.putIfAbsent(h, "recorded job id " + jobId);
                        h.descendants().forEach(d -> found.putIfAbsent(d, "descendant of " + pid));
                    });
                }
            } catch (NumberFormatException ex) {
                // not a local job id: nothing recorded to check
            }
        }
        found.keySet().removeIf(h -> !ProcessTable.alive(h));
        if (found.isEmpty()) return 0;
        List<String> what = new ArrayList<>();
        for (Map.Entry<ProcessHandle, String> f : found.entrySet()) {
            what.add(f.getKey().pid() + " " + f.getKey().info().command().orElse("?") + " (" + f.getValue() + ")");
        }
        LOG.warn("task {}: {} process(es) of an earlier attempt still run {}; killing them: {}", e.taskId(), found.size(), when, String.join(", ", what));
        List<Long> left = ProcessTable.terminate(new ArrayList<>(found.keySet()), graceMs);
        if (!left.isEmpty()) LOG.error("task {}: processes {} survived SIGKILL", e.taskId(), left);
        return found.size();
    }

    @Override
    public void cancel(TaskExecution e) {
        Future<?> waiting = awaitingFunction.remove(e);
        if (waiting != null) {
            waiting.cancel(false);
            e.cancelled("cancelled while waiting for function '" + e.spec().function + "' to be registered");
            return;
        }
        Future<?> f = calls.remove(e);
        if (f != null) {
            f.cancel(true);
            e.cancelled("cancelled");
            return;
        }
        kill(e);
    }

    /**
     * SIGTERM to the process, all its descendants and every process with this attempt's marker
     * (those that left the tree with setsid or a double fork), SIGKILL to whatever is left
     * after the grace period.
     */
    private void kill(TaskExecution e) {
        Process p = processes.get(e);
        if (p == null) return;
        String marker = ProcessTable.marker(e.taskDirectory(), e.attempt());
        // snapshot the tree first (children are re-parented once their parent dies), then
        // signal the task's own process before its children so a shell cannot carry on
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        tree.addAll(ProcessTable.marked(marker::equals).keySet());
        for (ProcessHandle h : tree) h.destroy();
        killer.schedule(() -> {
            for (ProcessHandle h : tree) {
                if (h.isAlive()) h.destroyForcibly();
            }
            // children forked after the first snapshot, wherever they went
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            ProcessTable.marked(marker::equals).keySet().forEach(ProcessHandle::destroyForcibly);
        }, graceMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean reattach(TaskExecution e, String backendJobId) {
        // the container died, and with it the output pipes and the wait on the process: its
        // outcome cannot be known. Whatever survived is killed now, before the scheduler marks
        // the task LOST and perhaps runs it again, so it never runs twice at once
        if (e.spec().function == null) killLeftovers(e, backendJobId, "after a restart of the container");
        return false;
    }

    @Deactivate
    void deactivate() {
        for (TaskExecution e : new ArrayList<>(processes.keySet())) {
            kill(e);
        }
        for (Map.Entry<TaskExecution, Future<?>> c : calls.entrySet()) c.getValue().cancel(true);
        awaitingFunction.values().forEach(w -> w.cancel(false));
        functionPool.shutdownNow();
        waiters.shutdown();
        killer.schedule(killer::shutdown, graceMs + 100, TimeUnit.MILLISECONDS);
    }
}
