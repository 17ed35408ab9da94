package org.kumiki.scheduler.command.internal;

import org.kumiki.platform.text.TextTable;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.ArrayDTO;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.ResourcesDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code sched} Gogo scope: submit, list, show, cancel, backends. {@code sched:wait} is
 * registered by {@link WaitCommand} (it shares {@link #waitFor}): a Gogo function named
 * {@code wait} on this object would also match {@code Object.wait()}, which Gogo prefers for
 * {@code sched:wait} without arguments or with numeric arguments.
 */
@Component(service = Object.class)
@GogoCommand(scope = "sched", function = {"submit", "list", "show", "cancel", "backends", "arrays"})
public class SchedulerCommands {

    /** What {@code help sched:submit} shows for its arguments; every {@link SubmitParser.Opt}. */
    static final String SUBMIT_USAGE = "[OPTIONS] COMMAND [ARGS...]  or  [OPTIONS] -f NAME [-a JSON]\n"
            + "         Options come before COMMAND; COMMAND and ARGS are passed on verbatim ('--' ends the options).\n"
            + "         -n, --name NAME          task name\n"
            + "         -c, --cpus N             CPU cores, at least 1 (default 1)\n"
            + "         -g, --gpus N             GPUs (default 0)\n"
            + "         -m, --mem SIZE           memory: 512M, 4G, 1024K or plain bytes\n"
            + "         -t, --time TIME          walltime: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or 90s, 5m, 2h\n"
            + "         -d, --dependency DEPS    afterok:ID[:ID...][,afterany:ID...][,afternotok:ID...] (repeatable)\n"
            + "         -p, --priority N         higher runs first among ready tasks (default 0)\n"
            + "         -r, --retries N          runs again after FAILED, TIMED_OUT or LOST (default 0)\n"
            + "         -b, --backend NAME       backend to run on (default: the default backend)\n"
            + "             --partition NAME     backend queue, e.g. a Slurm partition\n"
            + "         -l, --label K=V          label (repeatable, or K=V,K=V)\n"
            + "         -e, --env KEY=VALUE      environment variable (repeatable)\n"
            + "         -w, --workdir DIR        working directory\n"
            + "         -o, --output FILE        file for standard output\n"
            + "             --error FILE         file for standard error\n"
            + "         -f, --function NAME      run this Kumiki function instead of a command\n"
            + "         -a, --args JSON          JSON arguments of the function\n"
            + "             --nodes N            nodes the task spans (default 1; Slurm)\n"
            + "             --ntasks N           parallel tasks (MPI ranks), at least 1 (default 1)\n"
            + "             --cpus-per-task N    CPU cores per rank (default 1)\n"
            + "             --launcher NAME      auto, none, srun or mpirun (default auto: srun on Slurm, mpirun -np N locally)\n"
            + "             --array A-B          one task per index A..B as one task array (KUMIKI_ARRAY_INDEX in the environment)\n"
            + "             --throttle N         at most N array elements at once (with --array)\n"
            + "         Long options also take --opt=VALUE. Example: sched:submit -n fit -c 4 -m 8G -t 2:00:00 python fit.py --epochs 10";

    private final Scheduler scheduler;
    private final Clock clock;

    @Activate
    public SchedulerCommands(@Reference Scheduler scheduler) {
        this(scheduler, Clock.systemUTC());
    }

    SchedulerCommands(Scheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Descriptor("Submit a task (a command, or a Kumiki function with -f) and print its id and state")
    public String submit(@Descriptor(SUBMIT_USAGE) String... args) {
        if (SubmitParser.isHelp(args)) return "sched:submit " + SUBMIT_USAGE.replace("\n         ", "\n  ") + "\n";
        TaskSpec spec = SubmitParser.parse(args);
        List<TaskSpec> specs = SubmitParser.expand(spec);
        if (specs.size() > 1) {
            List<TaskRecordDTO> rs = scheduler.submitAll(specs); // TaskRejectedException passes through unchanged
            TaskRecordDTO f = rs.get(0), l = rs.get(rs.size() - 1);
            return "Submitted " + (f.arrayId != null ? f.arrayId + ": " : "") + f.id + ".." + l.id + " (" + rs.size() + " tasks)\n";
        }
        TaskRecordDTO r = scheduler.submit(spec); // TaskRejectedException passes through unchanged
        if (r == null) throw new IllegalStateException("the scheduler returned no record for the submitted task");
        StringBuilder sb = new StringBuilder("Submitted ").append(r.id).append(" (").append(r.state).append(')');
        if (r.reason != null && !r.reason.isBlank()) sb.append(": ").append(Format.oneLine(r.reason));
        return sb.append('\n').toString();
    }

    @Descriptor("List tasks, newest first")
    public String list(
            @Descriptor("only tasks in these states, e.g. RUNNING,PENDING") @Parameter(names = {"-s", "--state"}, absentValue = "") String state,
            @Descriptor("only tasks with this label key=value (or k=v,k=v)") @Parameter(names = {"-l", "--label"}, absentValue = "") String label,
            @Descriptor("only tasks on this backend") @Parameter(names = {"-b", "--backend"}, absentValue = "") String backend,
            @Descriptor("at most N tasks (0 = all)") @Parameter(names = {"-n", "--limit"}, absentValue = "0") String limit,
            @Descriptor("one row per array element instead of one row per array") @Parameter(names = {"-x", "--expand"}, presentValue = "true", absentValue = "false") boolean expand,
            @Descriptor("further -s/--state or -l/--label options (these two may be repeated)") String... more) {
        TaskFilter filter = TaskFilter.all();
        if (!state.isEmpty()) filter.states.addAll(Parse.states("--state", state));
        if (!label.isEmpty()) Parse.labels("--label", label, filter.labels);
        if (!backend.isEmpty()) filter.backend = Parse.word("--backend", backend);
        filter.limit = Parse.integer("--limit", limit, 0, Integer.MAX_VALUE);
        // Gogo takes each option once; parse any repetitions it left over
        String[] rest = more == null ? new String[0] : more;
        for (int i = 0; i < rest.length; i++) {
            String a = rest[i] == null ? "" : rest[i];
            boolean isState = a.equals("-s") || a.equals("--state");
            boolean isLabel = a.equals("-l") || a.equals("--label");
            if (!isState && !isLabel) {
                throw new IllegalArgumentException("unexpected argument '" + Parse.shown(a) + "' for sched:list (options: -s STATE, -l K=V, -b BACKEND, -n LIMIT)");
            }
            if (i + 1 >= rest.length) throw new IllegalArgumentException("option " + a + " needs a value");
            String v = rest[++i];
            if (isState) filter.states.addAll(Parse.states("--state", v));
            else Parse.labels("--label", v, filter.labels);
        }
        List<TaskRecordDTO> records = scheduler.list(filter);
        if (records == null || records.isEmpty()) return "No tasks.\n";
        return (expand ? table(records) : compactTable(records)).toString();
    }

    @Descriptor("Show everything known about a task: state, times, spec, reason, result")
    public String show(@Descriptor("task id (e.g. task-12); several may be given") String... ids) {
        List<String> list = ids(ids, "sched:show");
        StringBuilder sb = new StringBuilder();
        for (String id : list) {
            TaskRecordDTO r = scheduler.get(id).orElseThrow(() -> unknown(id));
            if (sb.length() > 0) sb.append('\n');
            sb.append(show(r));
        }
        return sb.toString();
    }

    @Descriptor("List the task arrays (a batch run as one Slurm job array) with their elements per state")
    public String arrays() {
        List<ArrayDTO> arrays = scheduler.arrays();
        if (arrays == null || arrays.isEmpty()) return "No arrays.\n";
        long now = clock.millis();
        TextTable t = new TextTable("ARRAY", "TASKS", "NAME", "BACKEND", "JOBID", "STATES", "SUBMITTED");
        for (ArrayDTO a : arrays) {
            t.row(a.id, a.firstTaskId + ".." + a.lastTaskId, a.name, a.backend, a.backendJobId, states(a.states), Format.when(a.submittedAt, now));
        }
        return t.toString();
    }

    /** {@code 812 done, 150 running, 38 pending}: counts per state, most advanced first. */
    static String states(Map<TaskState, Integer> counts) {
        StringBuilder b = new StringBuilder();
        for (TaskState s : new TaskState[] {TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELLED, TaskState.TIMED_OUT, TaskState.LOST,
                TaskState.RUNNING, TaskState.PENDING, TaskState.BLOCKED}) {
            Integer n = counts.get(s);
            if (n == null || n == 0) continue;
            if (b.length() > 0) b.append(", ");
            b.append(n).append(' ').append(s == TaskState.COMPLETED ? "done" : s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        return b.toString();
    }

    @Descriptor("Cancel tasks that have not ended (dependents waiting with afterok are cancelled too); an array id (array-N) cancels all its elements")
    public String cancel(@Descriptor("task ids or array ids to cancel") String... ids) {
        List<String> list = ids(ids, "sched:cancel");
        java.util.Set<String> arrayIds = new java.util.HashSet<>();
        for (ArrayDTO a : scheduler.arrays()) arrayIds.add(a.id);
        for (String id : list) {
            if (id.startsWith("array-") ? !arrayIds.contains(id) : scheduler.get(id).isEmpty()) throw unknown(id); // check all before cancelling any
        }
        TextTable t = new TextTable("ID", "RESULT");
        for (String id : list) {
            if (id.startsWith("array-")) {
                int n = scheduler.cancelArray(id);
                t.row(id, n == 0 ? "already ended" : "cancelled " + n + " element" + (n == 1 ? "" : "s"));
                continue;
            }
            boolean cancelled = scheduler.cancel(id); // TaskRejectedException for an unknown id passes through
            if (cancelled) {
                t.row(id, "cancelled");
            } else {
                String st = scheduler.get(id).map(r -> String.valueOf(r.state)).orElse("unknown");
                t.row(id, "already ended (" + st + ")");
            }
        }
        return t.toString();
    }

    /** sched:wait: waits for every task, then prints their final table; see {@link WaitCommand}. */
    String waitFor(String timeout, String... ids) {
        long seconds = timeout.isEmpty() ? 0 : Parse.timeoutSeconds("--timeout", timeout);
        List<String> list = ids(ids, "sched:wait");
        Map<String, CompletableFuture<TaskRecordDTO>> futures = new LinkedHashMap<>();
        for (String id : list) {
            CompletionStage<TaskRecordDTO> stage = scheduler.await(id); // TaskRejectedException for an unknown id
            if (stage == null) throw new IllegalStateException("the scheduler cannot wait for " + id);
            CompletableFuture<TaskRecordDTO> f = new CompletableFuture<>();
            stage.whenComplete((r, e) -> {
                if (e != null) f.completeExceptionally(e);
                else f.complete(r);
            });
            futures.put(id, f);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.values().toArray(new CompletableFuture<?>[0]));
        try {
            if (seconds > 0) all.get(seconds, TimeUnit.SECONDS);
            else all.get();
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + Format.duration(seconds) + " (" + seconds + "s); still running: " + notDone(futures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting; still running: " + notDone(futures));
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
            if (c instanceof RuntimeException && c.getMessage() != null && !(c instanceof CancellationException)) {
                throw new IllegalStateException("waiting failed: " + Format.oneLine(c.getMessage()), c);
            }
            throw new IllegalStateException("waiting failed: " + c, c);
        }
        List<TaskRecordDTO> done = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<TaskRecordDTO>> e : futures.entrySet()) {
            TaskRecordDTO r = e.getValue().join();
            done.add(r != null ? r : scheduler.get(e.getKey()).orElseThrow(() -> unknown(e.getKey())));
        }
        return table(done).toString();
    }

    @Descriptor("List the execution backends with their capacity and what is in use")
    public String backends() {
        List<BackendDTO> list = scheduler.backends();
        if (list == null || list.isEmpty()) return "No backends.\n";
        TextTable t = new TextTable("NAME", "DEFAULT", "CPUS", "GPUS", "MEMORY", "RUNNING", "PENDING", "DESCRIPTION");
        for (BackendDTO b : list) {
            t.row(b.name, b.isDefault ? "yes" : "", Format.usage(b.cpusInUse, b.cpus), Format.usage(b.gpusInUse, b.gpus),
                    Format.memoryUsage(b.memoryInUse, b.memoryBytes), b.running, b.pending, b.description);
        }
        return t.toString();
    }

    // ---- rendering

    TextTable table(List<TaskRecordDTO> records) {
        long now = clock.millis();
        TextTable t = new TextTable("ID", "NAME", "STATE", "BACKEND", "JOBID", "EXIT", "ATTEMPT", "SUBMITTED", "RUNTIME");
        for (TaskRecordDTO r : records) {
            if (r == null) continue;
            t.row(r.id, r.spec == null ? "" : r.spec.name, r.state, r.backend, r.backendJobId, r.exitCode,
                    r.attempt == 0 ? "" : String.valueOf(r.attempt), Format.when(r.submittedAt, now), Format.runtime(r, now));
        }
        return t;
    }

    /**
     * The list, with the elements of a task array listed in it folded into one row:
     * {@code task-12[0-999]} and the counts per state ({@code 812 done, 150 running, 38 pending}).
     */
    TextTable compactTable(List<TaskRecordDTO> records) {
        Map<String, List<TaskRecordDTO>> byArray = new LinkedHashMap<>();
        for (TaskRecordDTO r : records) if (r != null && r.arrayId != null) byArray.computeIfAbsent(r.arrayId, k -> new ArrayList<>()).add(r);
        byArray.values().removeIf(l -> l.size() < 2);
        if (byArray.isEmpty()) return table(records);
        long now = clock.millis();
        TextTable t = new TextTable("ID", "NAME", "STATE", "BACKEND", "JOBID", "EXIT", "ATTEMPT", "SUBMITTED", "RUNTIME");
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (TaskRecordDTO r : records) {
            if (r == null) continue;
            List<TaskRecordDTO> el = r.arrayId == null ? null : byArray.get(r.arrayId);
            if (el != null) {
                if (!shown.add(r.arrayId)) continue;
                TaskRecordDTO first = el.get(0), last = el.get(0);
                Map<TaskState, Integer> counts = new java.util.EnumMap<>(TaskState.class);
                java.util.Set<String> jobs = new java.util.TreeSet<>();
                for (TaskRecordDTO e : el) {
                    if (e.arrayIndex < first.arrayIndex) first = e;
                    if (e.arrayIndex > last.arrayIndex) last = e;
                    counts.merge(e.state, 1, Integer::sum);
                    if (e.backendJobId != null) jobs.add(e.backendJobId.replaceAll("_[0-9]+$", ""));
                }
                String name = first.spec == null ? "" : first.spec.name;
                t.row(first.id + "[" + first.arrayIndex + "-" + last.arrayIndex + "]", name + " (" + el.size() + " of " + r.arrayId + ")",
                        states(counts), first.backend, jobs.size() == 1 ? jobs.iterator().next() : jobs.isEmpty() ? "" : jobs.size() + " jobs",
                        "", "", Format.when(first.submittedAt, now), "");
                continue;
            }
            t.row(r.id, r.spec == null ? "" : r.spec.name, r.state, r.backend, r.backendJobId, r.exitCode,
                    r.attempt == 0 ? "" : String.valueOf(r.attempt), Format.when(r.submittedAt, now), Format.runtime(r, now));
        }
        return t;
    }

    String show(TaskRecordDTO r) {
        long now = clock.millis();
        TaskSpec s = r.spec == null ? new TaskSpec() : r.spec;
        ResourcesDTO res = s.resources == null ? new ResourcesDTO() : s.resources;
        TextTable t = new TextTable("FIELD", "VALUE");
        t.row("id", r.id);
        t.row("name", s.name);
        t.row("state", r.state);
        t.row("reason", r.reason);
        t.row("backend", r.backend != null ? r.backend : s.backend != null ? s.backend + " (requested)" : "");
        t.row("job id", r.backendJobId);
        t.row("exit code", r.exitCode);
        t.row("attempt", r.attempt + " of " + (1L + Math.max(0, s.retries)));
        t.row("submitted", Format.whenLong(r.submittedAt, now));
        t.row("started", Format.whenLong(r.startedAt, now));
        t.row("finished", Format.whenLong(r.finishedAt, now));
        t.row("runtime", Format.runtime(r, now));
        if (s.function != null) {
            t.row("function", s.function);
            t.row("arguments", s.arguments);
        } else {
            t.row("command", Format.commandLine(s.command));
        }
        t.row("environment", Format.map(s.environment));
        t.row("workdir", s.workingDirectory);
        t.row("stdout", s.stdout);
        t.row("stderr", s.stderr);
        t.row("cpus", res.cpus);
        t.row("gpus", res.gpus);
        if (res.tasks > 1 || res.nodes > 1 || res.cpusPerTask > 1) {
            t.row("ranks", res.tasks + " on " + res.nodes + " node" + (res.nodes == 1 ? "" : "s") + ", " + res.cpusPerTask + " cpus each, launcher "
                    + String.valueOf(s.launcher).toLowerCase(java.util.Locale.ROOT));
        }
        if (r.arrayId != null) t.row("array", r.arrayId + " element " + r.arrayIndex);
        t.row("memory", res.memoryBytes <= 0 ? "unspecified" : Format.bytes(res.memoryBytes) + " (" + res.memoryBytes + " bytes)");
        t.row("walltime", Format.walltime(res.walltimeSeconds));
        t.row("dependencies", Parse.dependencies(s.dependencies));
        t.row("priority", s.priority);
        t.row("retries", s.retries);
        t.row("labels", Format.map(s.labels));
        t.row("requested backend", s.backend);
        t.row("partition", s.partition);
        boolean multiLineResult = r.result != null && r.result.indexOf('\n') >= 0;
        t.row("result", multiLineResult ? "(below)" : r.result);
        String text = t.toString();
        return multiLineResult ? text + "result:\n" + r.result + (r.result.endsWith("\n") ? "" : "\n") : text;
    }

    // ---- helpers

    private static List<String> ids(String[] ids, String command) {
        if (ids == null || ids.length == 0) throw new IllegalArgumentException(command + " needs at least one task id");
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) out.add(Parse.word("task id", id));
        return new ArrayList<>(out);
    }

    private static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("unknown task id '" + Parse.shown(id) + "'");
    }

    private String notDone(Map<String, CompletableFuture<TaskRecordDTO>> futures) {
        return futures.entrySet().stream().filter(e -> !e.getValue().isDone()).map(e -> {
            Optional<TaskRecordDTO> r;
            try {
                r = scheduler.get(e.getKey());
            } catch (RuntimeException ex) {
                r = Optional.empty();
            }
            return e.getKey() + r.map(x -> " (" + x.state + ")").orElse("");
        }).collect(Collectors.joining(", "));
    }
}
