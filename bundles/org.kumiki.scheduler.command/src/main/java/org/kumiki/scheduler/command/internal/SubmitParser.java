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
        ARGS("-a", "--args", "JSON", "JSON arguments of the function");

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

    private SubmitParser() {}

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
            default: throw new IllegalStateException(opt.name());
        }
    }
}
