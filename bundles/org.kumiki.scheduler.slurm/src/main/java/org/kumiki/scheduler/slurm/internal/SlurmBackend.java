package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.BackendUnavailableException;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskExecution;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs command tasks as Slurm batch jobs. Submits with {@code sbatch}; one background poller
 * follows every job with one {@code squeue} per interval, and asks {@code sacct -c} (the job
 * completion file) then {@code scontrol show job} how the jobs that left the queue ended.
 */
@Component(service = ExecutionBackend.class, configurationPid = SlurmBackend.PID,
        property = ExecutionBackend.NAME + "=" + SlurmBackend.NAME)
@Designate(ocd = SlurmBackend.Config.class)
public class SlurmBackend implements ExecutionBackend {

    public static final String PID = "org.kumiki.scheduler.slurm";
    public static final String NAME = "slurm";
    static final String FUNCTION_REJECT = "function tasks need the worker distribution, not configured on this site";
    private static final Logger LOG = LoggerFactory.getLogger(SlurmBackend.class);
    /** Ids per squeue/sacct call, to keep command lines short. */
    private static final int CHUNK = 400;
    private static final long MAX_BACKOFF_MS = 30_000;
    /** Polls a job must be unknown to squeue, sacct and scontrol before it is reported LOST. */
    private static final int MISSES_BEFORE_LOST = 2;

    @ObjectClassDefinition(name = "Kumiki Slurm backend", description = "Runs command tasks as Slurm batch jobs")
    public @interface Config {
        @AttributeDefinition(name = "Partition", description = "Default partition (sbatch --partition); empty means Slurm's default")
        String partition() default "";

        @AttributeDefinition(name = "Account", description = "Account to charge (sbatch --account); empty means none")
        String account() default "";

        @AttributeDefinition(name = "sbatch", description = "Path or name of sbatch")
        String sbatch() default "sbatch";

        @AttributeDefinition(name = "squeue", description = "Path or name of squeue")
        String squeue() default "squeue";

        @AttributeDefinition(name = "scontrol", description = "Path or name of scontrol")
        String scontrol() default "scontrol";

        @AttributeDefinition(name = "sacct", description = "Path or name of sacct")
        String sacct() default "sacct";

        @AttributeDefinition(name = "scancel", description = "Path or name of scancel")
        String scancel() default "scancel";

        @AttributeDefinition(name = "Poll interval (ms)", description = "How often one squeue call checks every job", min = "50")
        long poll_interval_ms() default 500;

        @AttributeDefinition(name = "Max GPUs per node", description = "Tasks asking for more GPUs are rejected; 0 means the site has no GPUs", min = "0")
        int max_gpus_per_node() default 0;

        @AttributeDefinition(name = "Command timeout (ms)", description = "Longest wait for one Slurm command", min = "100")
        long command_timeout_ms() default 30_000;

        @AttributeDefinition(name = "slurmrestd URL", description = "e.g. http://127.0.0.1:6820: submit and cancel through slurmrestd (v0.0.38, JWT); empty uses sbatch and scancel")
        String rest_url() default "";

        @AttributeDefinition(name = "Poll through slurmrestd", description = "Follow jobs with GET /jobs (every job the controller holds, each poll) instead of squeue; for nodes without the Slurm commands")
        boolean rest_poll() default false;

        @AttributeDefinition(name = "Worker jar", description = "The worker distribution jar, as compute nodes see it, that runs function tasks; empty means the framework property kumiki.worker.jar; without one, function tasks are rejected")
        String worker_jar() default "";

        @AttributeDefinition(name = "Java on compute nodes", description = "Java executable the batch job runs the worker with")
        String worker_java() default "java";

        @AttributeDefinition(name = "slurmrestd user", description = "X-SLURM-USER-NAME; empty means the container's user")
        String rest_user() default "";

        @AttributeDefinition(name = "slurmrestd token", description = "A fixed JWT; empty means one from 'scontrol token', renewed at half its lifespan", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String rest_token() default "";

        @AttributeDefinition(name = "Token lifespan (s)", min = "60")
        long rest_token_lifespan_s() default 3600;

        @AttributeDefinition(name = "Array throttle", description = "At most this many elements of a task array run at once (sbatch --array=0-N%T) unless the spec's label kumiki.array.throttle says otherwise", min = "1")
        int array_throttle() default 64;

        @AttributeDefinition(name = "sinfo", description = "Path or name of sinfo (the partition's nodes and CPUs, to reject parallel tasks that can never fit)")
        String sinfo() default "sinfo";
    }

    /** The configuration as plain values (so tests need no annotation instance). */
    static final class Settings {
        String partition = "";
        String account = "";
        String sbatch = "sbatch";
        String squeue = "squeue";
        String scontrol = "scontrol";
        String sacct = "sacct";
        String scancel = "scancel";
        long pollIntervalMs = 500;
        int maxGpusPerNode;
        long commandTimeoutMs = 30_000;
        String restUrl = "";
        String restUser = "";
        String restToken = "";
        long restTokenLifespanS = 3600;
        boolean restPoll;
        String workerJar = "";
        String workerJava = "java";
        int arrayThrottle = 64;
        String sinfo = "sinfo";
        /** False in unit tests that call {@link SlurmBackend#pollOnce()} themselves. */
        boolean pollInBackground = true;

        static Settings of(Config c) {
            Settings s = new Settings();
            s.partition = c.partition();
            s.account = c.account();
            s.sbatch = c.sbatch();
            s.squeue = c.squeue();
            s.scontrol = c.scontrol();
            s.sacct = c.sacct();
            s.scancel = c.scancel();
            s.pollIntervalMs = Math.max(50, c.poll_interval_ms());
            s.maxGpusPerNode = c.max_gpus_per_node();
            s.commandTimeoutMs = Math.max(100, c.command_timeout_ms());
            s.restUrl = c.rest_url();
            s.restUser = c.rest_user();
            s.restToken = c.rest_token();
            s.restTokenLifespanS = c.rest_token_lifespan_s();
            s.restPoll = c.rest_poll();
            s.workerJar = c.worker_jar();
            s.workerJava = c.worker_java();
            s.arrayThrottle = Math.max(1, c.array_throttle());
            s.sinfo = c.sinfo();
            return s;
        }
    }

    /** A job the poller follows. */
    private static final class Tracked {
        final String jobId;
        final TaskExecution execution;
        /** The execution the scheduler gave us (what cancel() receives); differs for function tasks. */
        TaskExecution key;
        volatile boolean cancelRequested;
        /** Whether running() was reported. */
        boolean started;
        int misses;
        /** Slurm's own id of an array element (scontrol JobId=), once seen: sacct -c knows only that one. */
        String rawId;

        Tracked(String jobId, TaskExecution execution) {
            this.jobId = jobId;
            this.execution = execution;
        }
    }

    private final Settings settings;
    private final CommandRunner runner;
    private final BatchJob.Defaults defaults;
    /** Null: the Slurm commands; else slurmrestd for submit, poll and cancel. */
    private final SlurmRest rest;
    /** Whether the poller asks slurmrestd (GET /jobs) instead of squeue. */
    private final boolean restPoll;
    private final Map<String, Tracked> jobs = new ConcurrentHashMap<>();
    private final Map<TaskExecution, String> jobOf = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread poller;
    private volatile boolean running = true;
    private volatile boolean controllerDown;
    private volatile long backoffMs;

    @Activate
    public SlurmBackend(Config config, BundleContext context) {
        this(withWorker(Settings.of(config), context.getProperty("kumiki.worker.jar")), CommandRunner.PROCESSES);
    }

    private static Settings withWorker(Settings s, String frameworkProperty) {
        if ((s.workerJar == null || s.workerJar.isBlank()) && frameworkProperty != null) s.workerJar = frameworkProperty.trim();
        return s;
    }

    SlurmBackend(Settings settings, CommandRunner runner) {
        this.settings = settings;
        this.runner = runner;
        this.defaults = new BatchJob.Defaults(settings.partition, settings.account);
        this.rest = settings.restUrl == null || settings.restUrl.isBlank() ? null
                : new SlurmRest(settings.restUrl.trim(), settings.restUser, settings.restToken, settings.restTokenLifespanS,
                        runner, settings.scontrol, settings.commandTimeoutMs);
        this.restPoll = rest != null && settings.restPoll;
        this.poller = new Thread(this::pollLoop, "kumiki-slurm-poller");
        this.poller.setDaemon(true);
        if (settings.pollInBackground) this.poller.start();
    }

    @Deactivate
    public void deactivate() {
        running = false;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Capacity capacity() {
        return Capacity.unbounded();
    }

    @Override
    public boolean supportsNativeDependencies() {
        return true;
    }

    /** Health: {@code scontrol ping} (the primary controller answers UP), or the last REST poll. */
    @Override
    public String probe() {
        if (restPoll) return controllerDown ? "slurmrestd did not answer the last poll of " + settings.restUrl.trim() : null;
        try {
            CommandRunner.Result r = runner.run(List.of(settings.scontrol, "ping"), settings.commandTimeoutMs);
            String out = r.stdout == null ? "" : r.stdout.strip();
            if (r.ok() && out.contains(" is UP")) return null;
            String first = out.lines().findFirst().orElse("").strip();
            return "Slurm controller does not answer: " + (first.contains(" is DOWN") ? first : r.errorLine());
        } catch (IOException e) {
            return "Slurm controller does not answer: cannot run " + settings.scontrol + " ping: " + BatchJob.oneLine(e.getMessage());
        }
    }

    @Override
    public String rejects(TaskSpec spec) {
        if (spec.function != null) {
            if (settings.workerJar == null || settings.workerJar.isBlank()) return FUNCTION_REJECT;
            return BatchJob.invalid(WorkerExecution.asCommand(spec, settings.workerJava, settings.workerJar, Path.of("args"), Path.of("result")));
        }
        int gpus = spec.resources == null ? 0 : spec.resources.gpus;
        if (gpus > settings.maxGpusPerNode) {
            return "asks for " + gpus + " GPUs; Slurm nodes of this site have at most " + settings.maxGpusPerNode
                    + " (configuration max.gpus.per.node)";
        }
        String ranks = ranksRejected(spec);
        if (ranks != null) return ranks;
        return BatchJob.invalid(spec);
    }

    /** Nodes and CPUs per node of each partition, from sinfo (asked once, then every 60 s). */
    private volatile Map<String, int[]> partitions;
    private volatile long partitionsAt;

    /** Why a parallel task can never fit the partition (more nodes or CPUs than it has), or null. */
    private String ranksRejected(TaskSpec spec) {
        if (spec.resources == null) return null;
        int nodes = Math.max(1, spec.resources.nodes);
        long cpus = Math.max(spec.resources.cpus, (long) spec.resources.tasks * Math.max(1, spec.resources.cpusPerTask));
        if (nodes == 1 && cpus <= 1) return null;
        Map<String, int[]> p = partitions();
        if (p == null) return null; // sinfo does not answer: Slurm itself will refuse at sbatch
        String name = BatchJob.blankToNull(spec.partition) != null ? spec.partition.trim() : defaults.partition;
        int[] c = name == null ? p.get("") : p.get(name);
        if (c == null) return name == null ? null : "unknown Slurm partition '" + name + "' (partitions: " + String.join(", ", new java.util.TreeSet<>(p.keySet())).replaceFirst("^, ", "") + ")";
        String where = "partition '" + (name == null ? p.entrySet().stream().filter(e -> e.getValue() == c && !e.getKey().isEmpty()).map(Map.Entry::getKey).findFirst().orElse("default") : name) + "'";
        if (nodes > c[0]) return "asks for " + nodes + " nodes; " + where + " has " + c[0];
        long perNode = (cpus + nodes - 1) / nodes;
        if (cpus > (long) c[0] * c[1] || perNode > c[1]) {
            return "asks for " + cpus + " cpus" + (spec.resources.tasks > 1 ? " (" + spec.resources.tasks + " ranks x " + Math.max(1, spec.resources.cpusPerTask) + ")" : "")
                    + " on " + nodes + " node" + (nodes > 1 ? "s" : "") + "; " + where + " has " + c[0] + " node" + (c[0] > 1 ? "s" : "") + " of " + c[1] + " cpus";
        }
        return null;
    }

    private Map<String, int[]> partitions() {
        long now = System.currentTimeMillis();
        if (partitions != null && now - partitionsAt < 60_000) return partitions;
        try {
            CommandRunner.Result r = runner.run(List.of(settings.sinfo, "-h", "-o", "%P|%D|%c"), settings.commandTimeoutMs);
            if (!r.ok()) return partitions;
            Map<String, int[]> m = parseSinfo(r.stdout);
            if (m.isEmpty()) return partitions;
            partitions = m;
            partitionsAt = now;
            return m;
        } catch (IOException e) {
            return partitions;
        }
    }

    /** {@code sinfo -h -o '%P|%D|%c'}: partition (a trailing * marks the default, also stored as ""), nodes, cpus per node. */
    static Map<String, int[]> parseSinfo(String out) {
        Map<String, int[]> m = new HashMap<>();
        if (out == null) return m;
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length < 3) continue;
            try {
                String name = f[0].strip();
                int nodes = Integer.parseInt(f[1].strip());
                int cpus = Integer.parseInt(f[2].strip().replaceAll("[^0-9].*$", ""));
                boolean isDefault = name.endsWith("*");
                if (isDefault) name = name.substring(0, name.length() - 1);
                int[] prev = m.get(name);
                int[] v = prev == null ? new int[] {nodes, cpus} : new int[] {prev[0] + nodes, Math.max(prev[1], cpus)};
                m.put(name, v);
                if (isDefault) m.put("", v);
            } catch (NumberFormatException e) {
                // a header or an odd line
            }
        }
        return m;
    }

    @Override
    public void start(TaskExecution execution) throws Exception {
        TaskSpec spec = execution.spec();
        String why = rejects(spec);
        if (why != null) throw new IllegalArgumentException(why);
        Path dir = execution.taskDirectory();
        Files.createDirectories(dir);
        TaskExecution report = execution;
        if (spec.function != null) {
            // a function runs in the worker distribution on the compute node
            Path args = WorkerExecution.argumentsFile(execution);
            Files.writeString(args, spec.arguments == null ? "null" : spec.arguments, StandardCharsets.UTF_8);
            spec = WorkerExecution.asCommand(spec, settings.workerJava, settings.workerJar, args, WorkerExecution.resultFile(execution));
            report = new WorkerExecution(execution, WorkerExecution.resultFile(execution));
        }
        Path script = dir.resolve("slurm-" + execution.attempt() + ".sh");
        String text = BatchJob.script(execution.taskId(), execution.attempt(), spec);
        Files.writeString(script, text, StandardCharsets.UTF_8);
        String jobId = rest != null ? submitRest(execution, spec, text) : submitSbatch(execution, spec, script);
        track(jobId, execution, report);
        LOG.debug("task {} attempt {} submitted as Slurm job {}", execution.taskId(), execution.attempt(), jobId);
        execution.queued(jobId); // running() when the poller sees it start
    }

    /**
     * One {@code sbatch --array=0-N%T} for several attempts: each element gets its own script
     * and output files in its own task folder, and its job id {@code J_i}.
     */
    @Override
    public boolean startArray(List<TaskExecution> elements, int throttle) throws Exception {
        if (rest != null || elements.size() < 2) return false;
        List<String[]> parts = new ArrayList<>(elements.size());
        List<TaskExecution> reports = new ArrayList<>(elements.size());
        for (TaskExecution execution : elements) {
            TaskSpec spec = execution.spec();
            String why = rejects(spec);
            if (why != null) throw new IllegalArgumentException(execution.taskId() + ": " + why);
            Path dir = execution.taskDirectory();
            Files.createDirectories(dir);
            TaskExecution report = execution;
            if (spec.function != null) {
                Path args = WorkerExecution.argumentsFile(execution);
                Files.writeString(args, spec.arguments == null ? "null" : spec.arguments, StandardCharsets.UTF_8);
                spec = WorkerExecution.asCommand(spec, settings.workerJava, settings.workerJar, args, WorkerExecution.resultFile(execution));
                report = new WorkerExecution(execution, WorkerExecution.resultFile(execution));
            }
            Path script = dir.resolve("slurm-" + execution.attempt() + ".sh");
            Files.writeString(script, BatchJob.script(execution.taskId(), execution.attempt(), spec), StandardCharsets.UTF_8);
            String out = BatchJob.blankToNull(spec.stdout) != null ? spec.stdout : dir.resolve("stdout").toString();
            String err = BatchJob.blankToNull(spec.stderr) != null ? spec.stderr : dir.resolve("stderr").toString();
            parts.add(new String[] {dir.toString(), script.toString(), out, err});
            reports.add(report);
        }
        TaskExecution first = elements.get(0);
        Path dir = first.taskDirectory();
        Path script = dir.resolve("array-" + first.attempt() + ".sh");
        Files.writeString(script, BatchJob.arrayScript(parts), StandardCharsets.UTF_8);
        TaskSpec spec = first.spec();
        List<String> argv = new ArrayList<>();
        argv.add(settings.sbatch);
        List<String> args = BatchJob.sbatchArguments(first.taskId(), spec, dir, script, first.nativeDependencies(), defaults);
        // the array's own output (the case statement's errors) goes beside its script
        args.replaceAll(a -> a.startsWith("--output=") ? "--output=" + dir.resolve("array-%a.out")
                : a.startsWith("--error=") ? "--error=" + dir.resolve("array-%a.out") : a);
        int t = throttle > 0 ? throttle : settings.arrayThrottle;
        args.add(args.size() - 1, "--array=0-" + (elements.size() - 1) + (t < elements.size() ? "%" + t : ""));
        argv.addAll(args);
        String jobId = runSbatch(argv);
        for (int i = 0; i < elements.size(); i++) {
            track(jobId + "_" + i, elements.get(i), reports.get(i));
        }
        LOG.debug("{} tasks from {} submitted as Slurm array job {}", elements.size(), first.taskId(), jobId);
        for (int i = 0; i < elements.size(); i++) elements.get(i).queued(jobId + "_" + i);
        wakePoller();
        return true;
    }

    /** One scancel for many jobs (a whole array). */
    @Override
    public void cancelAll(List<TaskExecution> executions) {
        if (rest != null) {
            ExecutionBackend.super.cancelAll(executions);
            return;
        }
        List<String> ids = new ArrayList<>();
        for (TaskExecution e : executions) {
            String jobId = jobOf.get(e);
            if (jobId == null) continue;
            Tracked t = jobs.get(jobId);
            if (t != null) t.cancelRequested = true;
            ids.add(jobId);
        }
        for (int i = 0; i < ids.size(); i += CHUNK) {
            List<String> argv = new ArrayList<>();
            argv.add(settings.scancel);
            argv.addAll(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
            try {
                CommandRunner.Result r = runner.run(argv, settings.commandTimeoutMs);
                if (!r.ok()) LOG.warn("scancel of {} jobs failed: {}", argv.size() - 1, r.errorLine());
            } catch (IOException e) {
                LOG.warn("scancel of {} jobs failed: {}", argv.size() - 1, e.getMessage());
            }
        }
        wakePoller();
    }

    private String submitRest(TaskExecution execution, TaskSpec spec, String script) throws IOException, BackendUnavailableException {
        try {
            return rest.submit(script, SlurmRest.jobProperties(execution.taskId(), spec, execution.taskDirectory(),
                    execution.nativeDependencies(), defaults, System.getenv()));
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
            throw new BackendUnavailableException("slurmrestd unreachable: " + BatchJob.oneLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new IOException("slurmrestd submit failed: " + BatchJob.oneLine(e.getMessage()), e);
        }
    }

    /** Errors that mean "the controller cannot be reached now", as opposed to a bad job. */
    static boolean controllerUnreachable(String sbatchError) {
        String e = sbatchError.toLowerCase(java.util.Locale.ROOT);
        return e.contains("unable to contact slurm controller") || e.contains("socket timed out") || e.contains("connection refused")
                || e.contains("zero bytes were transmitted") || e.contains("slurm_persist_conn") || e.contains("communication connection failure");
    }

    private String submitSbatch(TaskExecution execution, TaskSpec spec, Path script) throws IOException, BackendUnavailableException {
        Path dir = execution.taskDirectory();
        List<String> argv = new ArrayList<>();
        argv.add(settings.sbatch);
        argv.addAll(BatchJob.sbatchArguments(execution.taskId(), spec, dir, script, execution.nativeDependencies(), defaults));
        return runSbatch(argv);
    }

    private String runSbatch(List<String> argv) throws IOException, BackendUnavailableException {
        CommandRunner.Result r;
        try {
            r = runner.run(argv, settings.commandTimeoutMs);
        } catch (IOException e) {
            String msg = BatchJob.oneLine(e.getMessage());
            // sbatch hung (a controller that does not answer) may work later; a missing
            // sbatch will not
            if (msg.contains("did not answer within")) throw new BackendUnavailableException("sbatch failed: " + msg, e);
            throw new IOException("sbatch failed: " + msg, e);
        }
        if (!r.ok()) {
            String line = BatchJob.oneLine(r.errorLine());
            if (controllerUnreachable(line)) throw new BackendUnavailableException("sbatch failed: " + line);
            throw new IOException("sbatch failed: " + line);
        }
        return BatchJob.parseJobId(r.stdout);
    }

    @Override
    public void cancel(TaskExecution execution) {
        String jobId = jobOf.get(execution);
        if (jobId == null) {
            LOG.debug("cancel of task {}: no Slurm job tracked", execution.taskId());
            return;
        }
        Tracked t = jobs.get(jobId);
        if (t != null) t.cancelRequested = true;
        try {
            if (rest != null) {
                rest.cancel(jobId);
            } else {
                CommandRunner.Result r = runner.run(List.of(settings.scancel, jobId), settings.commandTimeoutMs);
                if (!r.ok()) LOG.warn("scancel {} failed: {}", jobId, r.errorLine());
            }
        } catch (IOException e) {
            LOG.warn("scancel {} failed: {}", jobId, e.getMessage());
        }
        wakePoller();
    }

    @Override
    public boolean reattach(TaskExecution execution, String backendJobId) {
        if (backendJobId == null || !backendJobId.strip().matches("[0-9]+(_[0-9]+)?")) return false;
        TaskExecution report = execution.spec().function == null ? execution
                : new WorkerExecution(execution, WorkerExecution.resultFile(execution));
        track(backendJobId.strip(), execution, report);
        wakePoller();
        return true;
    }

    /** The slurmrestd URL, or null when the commands are used. */
    String restUrl() {
        return rest == null ? null : rest.url();
    }

    /** Number of jobs the poller follows now. */
    int tracked() {
        return jobs.size();
    }

    /** Follows a job: {@code report} receives its outcome, {@code execution} is what cancel() is given. */
    private void track(String jobId, TaskExecution execution, TaskExecution report) {
        Tracked t = new Tracked(jobId, report);
        t.key = execution;
        jobs.put(jobId, t);
        jobOf.put(execution, jobId);
    }

    private void wakePoller() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pollLoop() {
        while (running) {
            long wait = settings.pollIntervalMs + backoffMs;
            lock.lock();
            try {
                wake.await(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (!running) return;
            } finally {
                lock.unlock();
            }
            if (!running) return;
            try {
                pollOnce();
            } catch (RuntimeException e) {
                LOG.error("Slurm poller: unexpected error", e);
            }
        }
    }

    /** One poll of every tracked job. Package-private for tests. */
    synchronized void pollOnce() {
        if (jobs.isEmpty()) return;
        List<String> ids = new ArrayList<>(jobs.size());
        Map<String, List<Tracked>> arrayJobs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tracked> e : jobs.entrySet()) {
            int u = e.getKey().indexOf('_');
            if (u > 0 && !restPoll) arrayJobs.computeIfAbsent(e.getKey().substring(0, u), k -> new ArrayList<>()).add(e.getValue());
            else ids.add(e.getKey());
        }
        for (Map.Entry<String, List<Tracked>> a : arrayJobs.entrySet()) {
            if (!pollArray(a.getKey(), a.getValue())) return; // controller down
        }
        if (ids.isEmpty()) return;
        Map<String, SlurmStatus> queued = new HashMap<>();
        if (restPoll) {
            try {
                queued.putAll(rest.jobs());
            } catch (IOException e) {
                squeueFailed(e.getMessage());
                return;
            }
        }
        for (int i = 0; !restPoll && i < ids.size(); i += CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + CHUNK));
            CommandRunner.Result r;
            try {
                r = runner.run(List.of(settings.squeue, "-h", "-o", "%i|%T|%r", "-j", String.join(",", chunk)),
                        settings.commandTimeoutMs);
            } catch (IOException e) {
                squeueFailed(e.getMessage());
                return;
            }
            if (!r.ok()) {
                // every id of the list unknown to the controller: not an outage
                if (!r.errorLine().contains("Invalid job id")) {
                    squeueFailed(r.errorLine());
                    return;
                }
            } else {
                queued.putAll(SlurmStatus.parseSqueue(r.stdout));
            }
        }
        if (controllerDown) {
            LOG.info("Slurm controller answers again; following {} jobs", jobs.size());
            controllerDown = false;
        }
        backoffMs = 0;

        List<String> left = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Map<String, SlurmStatus> ended = new HashMap<>();
        for (String id : ids) {
            SlurmStatus s = queued.get(id);
            if (s != null && s.isActive()) {
                Tracked t = jobs.get(id);
                if (t != null) {
                    t.misses = 0;
                    if (!t.started && s.hasStarted()) {
                        t.started = true;
                        t.execution.running(id);
                    }
                }
                continue;
            }
            left.add(id);
            // slurmrestd lists ended jobs with their exit code; squeue does not
            if (s != null && restPoll && s.exitCode >= 0) ended.put(id, s);
            else unknown.add(id);
        }
        if (left.isEmpty()) return;

        // the job completion file first (jobcomp/filetxt, no slurmdbd needed), then accounting
        // (slurmdbd) for what it lacks
        sacct(unknown, true, ended);
        List<String> missing = new ArrayList<>();
        for (String id : unknown) {
            if (!ended.containsKey(id)) missing.add(id);
        }
        sacct(missing, false, ended);
        for (String id : left) {
            Tracked t = jobs.get(id);
            if (t == null) continue;
            SlurmStatus s = ended.get(id);
            boolean needScontrol = s == null || s.isActive() || ("CANCELLED".equals(s.state) && s.reason == null
                    && !t.cancelRequested && !t.execution.isCancelRequested());
            if (needScontrol) {
                SlurmStatus c = scontrol(id);
                if (c == SCONTROL_FAILED) continue; // try again next poll
                if (c != null) {
                    if (s == null || s.isActive()) s = c;
                    else s = new SlurmStatus(id, s.state, s.exitCode, s.signal, c.reason); // sacct's code, scontrol's reason
                }
            }
            if (s == null) {
                if (++t.misses >= MISSES_BEFORE_LOST) {
                    finish(t, Outcome.lost("Slurm no longer knows job " + id + " (not in squeue, sacct -c or scontrol)"));
                }
                continue;
            }
            t.misses = 0;
            Outcome o = Outcome.of(s, t.cancelRequested || t.execution.isCancelRequested());
            if (o != null) {
                if (!t.started && s.hasStarted()) { // ended between two polls
                    t.started = true;
                    t.execution.running(id);
                }
                finish(t, o);
            }
        }
    }

    /**
     * One {@code scontrol show job -o J} for every element of array job J: each started element
     * on its own line (JobId, ArrayTaskId, JobState, ExitCode, Reason), the pending ones on one
     * line with a range ({@code ArrayTaskId=5-199%64}). Elements the controller has forgotten
     * are looked up by their own job ids in the completion file. Returns false when the
     * controller does not answer.
     */
    private boolean pollArray(String arrayJob, List<Tracked> elements) {
        Map<String, SlurmStatus> seen = new HashMap<>();
        Map<String, String> rawIds = new HashMap<>();
        java.util.Set<String> pending = new java.util.HashSet<>();
        boolean known;
        try {
            CommandRunner.Result r = runner.run(List.of(settings.scontrol, "show", "job", "-o", arrayJob), settings.commandTimeoutMs);
            if (!r.ok()) {
                if (!r.errorLine().contains("Invalid job id")) {
                    squeueFailed(r.errorLine());
                    return false;
                }
                known = false;
            } else {
                known = true;
                SlurmStatus.parseArrayScontrol(r.stdout, seen, rawIds, pending);
            }
        } catch (IOException e) {
            squeueFailed(e.getMessage());
            return false;
        }
        if (controllerDown) {
            LOG.info("Slurm controller answers again; following {} jobs", jobs.size());
            controllerDown = false;
        }
        backoffMs = 0;
        List<String> forgotten = new ArrayList<>();
        for (Tracked t : elements) {
            String raw = rawIds.get(t.jobId);
            if (raw != null) t.rawId = raw;
            if (!seen.containsKey(t.jobId) && !pending.contains(t.jobId) && t.rawId != null) forgotten.add(t.rawId);
        }
        Map<String, SlurmStatus> ended = new HashMap<>();
        if (!forgotten.isEmpty()) sacct(forgotten, true, ended);
        for (Tracked t : elements) {
            SlurmStatus s = seen.get(t.jobId);
            if (s == null && pending.contains(t.jobId)) {
                t.misses = 0;
                continue;
            }
            if (s == null && t.rawId != null && ended.containsKey(t.rawId)) {
                SlurmStatus e = ended.get(t.rawId);
                s = new SlurmStatus(t.jobId, e.state, e.exitCode, e.signal, e.reason);
            }
            if (s == null && known && (t.cancelRequested || t.execution.isCancelRequested())) {
                // a pending element cancelled on its own leaves no trace in Slurm
                s = new SlurmStatus(t.jobId, "CANCELLED", -1, -1, null);
            }
            if (s == null) {
                if (++t.misses >= MISSES_BEFORE_LOST) {
                    finish(t, Outcome.lost("Slurm no longer knows array element " + t.jobId + (known ? "" : " (array job unknown to scontrol)")));
                }
                continue;
            }
            t.misses = 0;
            if (!t.started && s.hasStarted()) {
                t.started = true;
                t.execution.running(t.jobId);
            }
            Outcome o = Outcome.of(s, t.cancelRequested || t.execution.isCancelRequested());
            if (o != null) finish(t, o);
        }
        return true;
    }

    private void sacct(List<String> ids, boolean completionFile, Map<String, SlurmStatus> into) {
        for (int i = 0; i < ids.size(); i += CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + CHUNK));
            List<String> argv = new ArrayList<>(List.of(settings.sacct, "-n", "-P", "-o", "JobID,State,ExitCode", "-j",
                    String.join(",", chunk)));
            if (completionFile) argv.add(1, "-c");
            try {
                CommandRunner.Result r = runner.run(argv, settings.commandTimeoutMs);
                if (r.ok()) into.putAll(SlurmStatus.parseSacct(r.stdout));
                else LOG.debug("{} failed: {}", completionFile ? "sacct -c" : "sacct", r.errorLine());
            } catch (IOException e) {
                LOG.debug("{} failed: {}", completionFile ? "sacct -c" : "sacct", e.getMessage());
            }
        }
    }

    private static final SlurmStatus SCONTROL_FAILED = new SlurmStatus("", "UNKNOWN", -1, -1, null);

    /** scontrol's view of one job; null when it does not know the job; SCONTROL_FAILED when it cannot tell. */
    private SlurmStatus scontrol(String id) {
        try {
            CommandRunner.Result r = runner.run(List.of(settings.scontrol, "show", "job", "-o", id), settings.commandTimeoutMs);
            if (!r.ok()) return r.errorLine().contains("Invalid job id") ? null : SCONTROL_FAILED;
            SlurmStatus s = SlurmStatus.parseScontrol(r.stdout);
            return s == null ? SCONTROL_FAILED : s;
        } catch (IOException e) {
            return SCONTROL_FAILED;
        }
    }

    private void finish(Tracked t, Outcome o) {
        if (jobs.remove(t.jobId, t)) {
            jobOf.remove(t.key == null ? t.execution : t.key, t.jobId);
            LOG.debug("Slurm job {} of task {}: {}", t.jobId, t.execution.taskId(), o);
            try {
                o.report(t.execution);
            } catch (RuntimeException e) {
                LOG.warn("reporting the end of Slurm job {} failed", t.jobId, e);
            }
        }
    }

    private void squeueFailed(String why) {
        if (!running) return;
        if (!controllerDown) {
            LOG.warn("squeue failed, keeping {} Slurm jobs and retrying: {}", jobs.size(), BatchJob.oneLine(why));
            controllerDown = true;
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs == 0 ? settings.pollIntervalMs : backoffMs * 2);
    }
}
