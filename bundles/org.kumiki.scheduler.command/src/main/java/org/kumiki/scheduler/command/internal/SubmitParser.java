package org.kumiki.scheduler.command.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * Turns the arguments of {@code sched:submit} into a {@link TaskSpec}. Options come first
 * ({@code -c 4}, {@code --cpus 4} or {@code --cpus=4}); the first argument that is not an
 * option, or everything after {@code --}, is the command and its arguments, passed on
 * verbatim (so {@code python -c ...} keeps its own {@code -c}).
 *
 * <p>Gogo's own {@code @Parameter} handling is not used for submit because it takes an option
 * name from anywhere on the line, including the arguments of the submitted command.
 */
final class SubmitParser {

    /** The options of sched:submit. Keep {@link SchedulerCommands#SUBMIT_USAGE} in step. */
    enum Opt {
        NAME("-n", "--name", "NAME", "task name"),
        CPUS("-c", "--cpus", "N", "CPU cores, at least 1 (default 1)"),
        GPUS("-g", "--gpus", "N", "GPUs (default 0)"),
        MEM("-m", "--mem", "SIZE", "memory: 512M, 4G, 1024K or plain bytes"),
        TIME("-t", "--time", "TIME", "walltime: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, 90s, 5m, 2h"),
        DEPENDENCY("-d", "--dependency", "DEPS", "afterok:ID[:ID...][,afterany:ID...][,afternotok:ID...] (repeatable)"),
        PRIORITY("-p", "--priority", "N", "higher runs first (default 0)"),
        RETRIES("-r", "--retries", "N", "runs again after FAILED, TIMED_OUT or LOST (default 0)"),
        BACKEND("-b", "--backend", "NAME", "backend to run on (default: the default backend)"),
        PARTITION(null, "--partition", "NAME", "backend queue, e.g. a Slurm partition"),
        LABEL("-l", "--label", "K=V", "label, repeatable or K=V,K=V"),
        ENV("-e", "--env", "KEY=VALUE", "environment variable, repeatable"),
        WORKDIR("-w", "--workdir", "DIR", "working directory"),
        OUTPUT("-o", "--output", "FILE", "file for standard output"),
        ERROR(null, "--error", "FILE", "file for standard error"),
        FUNCTION("-f", "--function", "NAME", "run this Kumiki function instead of a command"),
        ARGS("-a", "--args", "JSON", "JSON arguments of the function"),
        NODES(null, "--nodes", "N", "nodes the task spans (default 1; Slurm)"),
        NTASKS(null, "--ntasks", "N", "parallel tasks (MPI ranks), at least 1 (default 1)"),
        CPUS_PER_TASK(null, "--cpus-per-task", "N", "CPU cores per rank (default 1)"),
        LAUNCHER(null, "--launcher", "NAME", "auto, none, srun or mpirun: how ranks start (default auto: srun on Slurm, mpirun locally)"),
        ARRAY(null, "--array", "A-B", "submit one task per index A..B as one task array (KUMIKI_ARRAY_INDEX in the environment)"),
        THROTTLE(null, "--throttle", "N", "at most N array elements at once (with --array)");

        final String shortName;
        final String longName;
        final String metavar;
        final String description;

        Opt(String shortName, String longName, String metavar, String description) {
            this.shortName = shortName;
            this.longName = longName;
            this.metavar = metavar;
            this.description = description;
        }

        boolean repeatable() {
            return this == DEPENDENCY || this == LABEL || this == ENV;
        }

        String display() {
            return shortName == null ? longName : shortName + "/" + longName;
        }

        static Opt byName(String name) {
            for (Opt o : values()) {
                if (name.equals(o.shortName) || name.equals(o.longName)) return o;
            }
            return null;
        }
    }

    /** Internal labels carrying --array until {@link #expand} turns the spec into elements. */
    static final String ARRAY_FIRST = "kumiki.submit.array.first", ARRAY_LAST = "kumiki.submit.array.last";
    static final int MAX_ARRAY = 100_000;

    private SubmitParser() {}

    static org.kumiki.scheduler.api.Launcher launcher(String o, String v) {
        for (org.kumiki.scheduler.api.Launcher l : org.kumiki.scheduler.api.Launcher.values()) {
            if (l.name().equalsIgnoreCase(v.strip())) return l;
        }
        throw new IllegalArgumentException("invalid " + o + " '" + Parse.shown(v) + "': one of auto, none, srun, mpirun");
    }

    /** {@code A-B} or {@code N} (= 0..N-1). */
    static int[] range(String o, String v) {
        String t = v.strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})-([0-9]{1,9})").matcher(t);
        int a, b;
        if (m.matches()) {
            a = Integer.parseInt(m.group(1));
            b = Integer.parseInt(m.group(2));
        } else if (t.matches("[0-9]{1,9}")) {
            a = 0;
            b = Integer.parseInt(t) - 1;
        } else {
            throw new IllegalArgumentException("invalid " + o + " '" + Parse.shown(v) + "': A-B (e.g. 0-99) or a count");
        }
        if (b < a) throw new IllegalArgumentException("invalid " + o + " '" + Parse.shown(v) + "': the range is empty");
        if ((long) b - a + 1 > MAX_ARRAY) throw new IllegalArgumentException("invalid " + o + " '" + Parse.shown(v) + "': more than " + MAX_ARRAY + " elements");
        return new int[] {a, b};
    }

    /**
     * The specs to submit: the spec itself, or with --array one copy per index (environment
     * KUMIKI_ARRAY_INDEX, name NAME-INDEX), asked for as one array.
     */
    static List<TaskSpec> expand(TaskSpec spec) {
        String first = spec.labels.remove(ARRAY_FIRST);
        String last = spec.labels.remove(ARRAY_LAST);
        if (first == null) {
            if (spec.labels.containsKey(org.kumiki.scheduler.api.Scheduler.ARRAY_THROTTLE_LABEL)) throw new IllegalArgumentException("option --throttle needs --array");
            return List.of(spec);
        }
        int a = Integer.parseInt(first), b = Integer.parseInt(last);
        List<TaskSpec> out = new ArrayList<>(b - a + 1);
        String base = spec.name != null ? spec.name : spec.function != null ? spec.function : java.nio.file.Path.of(spec.command.get(0)).getFileName().toString();
        for (int i = a; i <= b; i++) {
            TaskSpec e = copy(spec);
            e.name = base + "-" + i;
            e.environment.put("KUMIKI_ARRAY_INDEX", Integer.toString(i));
            e.labels.put(org.kumiki.scheduler.api.Scheduler.ARRAY_LABEL, "true");
            out.add(e);
        }
        return out;
    }

    private static TaskSpec copy(TaskSpec s) {
        TaskSpec c = new TaskSpec();
        c.name = s.name;
        c.command = new ArrayList<>(s.command);
        c.function = s.function;
        c.arguments = s.arguments;
        c.environment = new java.util.LinkedHashMap<>(s.environment);
        c.workingDirectory = s.workingDirectory;
        c.stdout = s.stdout;
        c.stderr = s.stderr;
        c.resources = s.resources; // shared: the scheduler copies every spec it accepts
        c.dependencies = s.dependencies;
        c.priority = s.priority;
        c.retries = s.retries;
        c.labels = new java.util.LinkedHashMap<>(s.labels);
        c.backend = s.backend;
        c.partition = s.partition;
        c.launcher = s.launcher;
        return c;
    }

    static boolean isHelp(String[] args) {
        return args != null && args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"));
    }

    static TaskSpec parse(String... args) {
        if (args == null) args = new String[0];
        TaskSpec spec = new TaskSpec();
        Set<Opt> seen = EnumSet.noneOf(Opt.class);
        List<String> command = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String a = args[i] == null ? "" : args[i];
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) break; // the command starts here
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            Opt opt = Opt.byName(name);
            if (opt == null) {
                throw new IllegalArgumentException("unknown option '" + Parse.shown(name) + "' for sched:submit (see help sched:submit; put '--' before a command that starts with '-')");
            }
            if (value == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + opt.display() + " needs a value " + opt.metavar);
                value = args[++i] == null ? "" : args[i];
            }
            i++;
            if (!opt.repeatable() && !seen.add(opt)) {
                throw new IllegalArgumentException("option " + opt.display() + " given more than once (last value '" + Parse.shown(value) + "')");
            }
            apply(spec, opt, opt.longName, value);
        }
        command.addAll(Arrays.asList(args).subList(i, args.length));
        command.replaceAll(s -> s == null ? "" : s);

        boolean hasFunction = spec.function != null;
        if (hasFunction && !command.isEmpty()) {
            throw new IllegalArgumentException("give either a COMMAND or --function, not both (function '" + Parse.shown(spec.function)
                    + "', command '" + Parse.shown(String.join(" ", command)) + "')");
        }
        if (!hasFunction) {
            if (spec.arguments != null) throw new IllegalArgumentException("option --args '" + Parse.shown(spec.arguments) + "' needs --function");
            if (command.isEmpty()) throw new IllegalArgumentException("no command: give COMMAND [ARGS...] or --function NAME (see help sched:submit)");
            if (command.get(0).isBlank()) throw new IllegalArgumentException("invalid COMMAND '" + Parse.shown(command.get(0)) + "': the executable must not be empty");
            for (String c : command) {
                if (c.indexOf('\0') >= 0) throw new IllegalArgumentException("invalid command argument '" + Parse.shown(c) + "': contains a NUL character");
            }
            spec.command = command;
        }
        return spec;
    }

    private static void apply(TaskSpec spec, Opt opt, String o, String v) {
        switch (opt) {
            case NAME: spec.name = Parse.text(o, v); break;
            case CPUS: spec.resources.cpus = Parse.integer(o, v, 1, Integer.MAX_VALUE); break;
            case GPUS: spec.resources.gpus = Parse.integer(o, v, 0, Integer.MAX_VALUE); break;
            case MEM: spec.resources.memoryBytes = Parse.memory(o, v); break;
            case TIME: spec.resources.walltimeSeconds = Parse.walltime(o, v); break;
            case DEPENDENCY:
                Parse.dependencies(o, v).forEach(d -> {
                    boolean dup = spec.dependencies.stream().anyMatch(x -> x.type == d.type && x.taskId.equals(d.taskId));
                    if (!dup) spec.dependencies.add(d);
                });
                break;
            case PRIORITY: spec.priority = Parse.integer(o, v, Integer.MIN_VALUE, Integer.MAX_VALUE); break;
            case RETRIES: spec.retries = Parse.integer(o, v, 0, Integer.MAX_VALUE); break;
            case BACKEND: spec.backend = Parse.word(o, v); break;
            case PARTITION: spec.partition = Parse.word(o, v); break;
            case LABEL: Parse.labels(o, v, spec.labels); break;
            case ENV: Parse.environment(o, v, spec.environment); break;
            case WORKDIR: spec.workingDirectory = Parse.text(o, v); break;
            case OUTPUT: spec.stdout = Parse.text(o, v); break;
            case ERROR: spec.stderr = Parse.text(o, v); break;
            case FUNCTION: spec.function = Parse.word(o, v); break;
            case ARGS: spec.arguments = Parse.json(o, v); break;
            case NODES: spec.resources.nodes = Parse.integer(o, v, 1, 100_000); break;
            case NTASKS: spec.resources.tasks = Parse.integer(o, v, 1, 1_000_000); break;
            case CPUS_PER_TASK: spec.resources.cpusPerTask = Parse.integer(o, v, 1, 100_000); break;
            case LAUNCHER: spec.launcher = launcher(o, v); break;
            case ARRAY: {
                int[] r = range(o, v);
                spec.labels.put(ARRAY_FIRST, Integer.toString(r[0]));
                spec.labels.put(ARRAY_LAST, Integer.toString(r[1]));
                break;
            }
            case THROTTLE: spec.labels.put(org.kumiki.scheduler.api.Scheduler.ARRAY_THROTTLE_LABEL, Integer.toString(Parse.integer(o, v, 1, 1_000_000))); break;
            default: throw new IllegalStateException(opt.name());
        }
    }
}
