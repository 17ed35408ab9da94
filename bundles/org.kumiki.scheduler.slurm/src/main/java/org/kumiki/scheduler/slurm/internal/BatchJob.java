package org.kumiki.scheduler.slurm.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.kumiki.scheduler.api.dto.ResourcesDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** Turns a task spec into a batch script and the sbatch arguments that submit it. Pure functions. */
final class BatchJob {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DEPENDENCY = Pattern.compile("(afterok|afterany|afternotok):[0-9]+(_[0-9]+)?");
    private static final long MIB = 1024L * 1024L;

    private BatchJob() {
    }

    /** Quotes a word for a POSIX shell: inside single quotes nothing is special but the quote itself. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Why this spec cannot become a batch script, or null. Checks what the shell and sbatch
     * cannot carry: NUL characters, invalid environment variable names, an empty command.
     */
    static String invalid(TaskSpec spec) {
        if (spec.command == null || spec.command.isEmpty() || spec.command.get(0) == null || spec.command.get(0).isEmpty()) {
            return "a Slurm task needs a command";
        }
        for (String a : spec.command) {
            if (a == null) return "the command has a null argument";
            if (a.indexOf('\0') >= 0) return "the command has an argument with a NUL character";
        }
        if (spec.environment != null) {
            for (Map.Entry<String, String> e : spec.environment.entrySet()) {
                if (e.getKey() == null || !ENV_NAME.matcher(e.getKey()).matches()) {
                    return "environment variable name not valid in a shell: " + oneLine(String.valueOf(e.getKey()));
                }
                if (e.getValue() != null && e.getValue().indexOf('\0') >= 0) {
                    return "environment variable " + e.getKey() + " has a NUL character";
                }
            }
        }
        for (String p : new String[] {spec.workingDirectory, spec.stdout, spec.stderr, spec.partition}) {
            if (p != null && (p.indexOf('\0') >= 0 || p.indexOf('\n') >= 0)) {
                return "working directory, stdout, stderr and partition must be one line: " + oneLine(p);
            }
        }
        return null;
    }

    /** The batch script: cd to the working directory, export the environment, exec the command. */
    static String script(String taskId, int attempt, TaskSpec spec) {
        String why = invalid(spec);
        if (why != null) throw new IllegalArgumentException(why);
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/sh\n");
        b.append("# Kumiki task ").append(oneLine(taskId)).append(" attempt ").append(attempt).append('\n');
        if (spec.workingDirectory != null && !spec.workingDirectory.isBlank()) {
            b.append("cd -- ").append(quote(spec.workingDirectory)).append(" || exit 126\n");
        }
        if (spec.environment != null) {
            for (Map.Entry<String, String> e : spec.environment.entrySet()) {
                b.append("export ").append(e.getKey()).append('=')
                        .append(quote(e.getValue() == null ? "" : e.getValue())).append('\n');
            }
        }
        b.append("exec");
        for (String a : launcher(spec)) b.append(' ').append(a);
        for (String a : spec.command) {
            b.append(' ').append(quote(a));
        }
        b.append('\n');
        return b.toString();
    }

    /**
     * The words before the command of a parallel task (more than one rank): srun with PMIx
     * (AUTO, SRUN) or mpirun inside the allocation (MPIRUN); nothing for one rank or NONE.
     */
    static List<String> launcher(TaskSpec spec) {
        ResourcesDTO r = spec.resources == null ? new ResourcesDTO() : spec.resources;
        org.kumiki.scheduler.api.Launcher l = spec.launcher == null ? org.kumiki.scheduler.api.Launcher.AUTO : spec.launcher;
        if (r.tasks <= 1 && l != org.kumiki.scheduler.api.Launcher.SRUN && l != org.kumiki.scheduler.api.Launcher.MPIRUN) return List.of();
        switch (l) {
            case NONE:
                return List.of();
            case MPIRUN:
                // Open MPI refuses root unless told; the allocation gives it the hosts and slots
                return List.of("env", "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "mpirun");
            default:
                return List.of("srun", "--mpi=pmix");
        }
    }

    /** One sbatch --array script: element i cds to its folder and runs its own script, output in its own files. */
    static String arrayScript(List<String[]> elements) {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/sh\n");
        b.append("# Kumiki task array of ").append(elements.size()).append('\n');
        b.append("case \"$SLURM_ARRAY_TASK_ID\" in\n");
        for (int i = 0; i < elements.size(); i++) {
            String[] e = elements.get(i); // directory, script, stdout, stderr
            b.append(i).append(") cd -- ").append(quote(e[0])).append(" || exit 126; exec /bin/sh ").append(quote(e[1]))
                    .append(" >").append(quote(e[2])).append(e[2].equals(e[3]) ? " 2>&1" : " 2>" + quote(e[3])).append(" ;;\n");
        }
        b.append("*) echo \"no element $SLURM_ARRAY_TASK_ID in this array\" >&2; exit 2 ;;\nesac\n");
        return b.toString();
    }

    /** Site defaults that apply when the spec does not say. */
    static final class Defaults {
        final String partition;
        final String account;

        Defaults(String partition, String account) {
            this.partition = blankToNull(partition);
            this.account = blankToNull(account);
        }
    }

    /**
     * The sbatch command line (after the executable) for a script.
     *
     * @param dependencies Slurm dependencies {@code TYPE:JOBID}, all of which must hold
     */
    static List<String> sbatchArguments(String taskId, TaskSpec spec, Path taskDirectory, Path script,
            List<String> dependencies, Defaults defaults) {
        List<String> a = new ArrayList<>();
        a.add("--parsable");
        a.add("--job-name=" + jobName(taskId, spec.name));
        a.add("--comment=kumiki:" + oneLine(taskId));
        ResourcesDTO r = spec.resources == null ? new ResourcesDTO() : spec.resources;
        if (r.tasks > 1 || r.nodes > 1) {
            a.add("--nodes=" + Math.max(1, r.nodes));
            a.add("--ntasks=" + r.tasks);
            a.add("--cpus-per-task=" + Math.max(1, r.cpusPerTask));
        } else {
            a.add("--cpus-per-task=" + Math.max(1, Math.max(r.cpus, r.cpusPerTask)));
        }
        if (r.gpus > 0) a.add("--gres=gpu:" + r.gpus);
        if (r.memoryBytes > 0) a.add("--mem=" + ((r.memoryBytes + MIB - 1) / MIB) + "M");
        if (r.walltimeSeconds > 0) a.add("--time=" + ((r.walltimeSeconds + 59) / 60));
        String partition = blankToNull(spec.partition) != null ? spec.partition.trim() : defaults.partition;
        if (partition != null) a.add("--partition=" + partition);
        if (defaults.account != null) a.add("--account=" + defaults.account);
        a.add("--output=" + (blankToNull(spec.stdout) != null ? spec.stdout : taskDirectory.resolve("stdout").toString()));
        a.add("--error=" + (blankToNull(spec.stderr) != null ? spec.stderr : taskDirectory.resolve("stderr").toString()));
        a.add("--chdir=" + taskDirectory);
        // retrying is the scheduler's business: a failed node ends the job (NODE_FAIL)
        a.add("--no-requeue");
        if (dependencies != null && !dependencies.isEmpty()) {
            for (String d : dependencies) {
                if (d == null || !DEPENDENCY.matcher(d).matches()) {
                    throw new IllegalArgumentException("not a Slurm dependency (TYPE:JOBID): " + oneLine(String.valueOf(d)));
                }
            }
            a.add("--dependency=" + String.join(",", dependencies));
        }
        a.add(script.toString());
        return a;
    }

    /** A job name Slurm shows in squeue: printable, no more than 64 characters. */
    static String jobName(String taskId, String name) {
        String n = blankToNull(name) == null ? taskId : name;
        n = n.replaceAll("[^\\p{Graph} ]", "_");
        if (n.length() > 64) n = n.substring(0, 64);
        return n.isBlank() ? "kumiki" : n;
    }

    /** The job id from {@code sbatch --parsable}: {@code ID} or {@code ID;CLUSTER}. */
    static String parseJobId(String stdout) {
        String s = stdout == null ? "" : stdout.strip();
        int nl = s.lastIndexOf('\n');
        if (nl >= 0) s = s.substring(nl + 1).strip();
        int semi = s.indexOf(';');
        if (semi >= 0) s = s.substring(0, semi);
        if (!s.matches("[0-9]+")) throw new IllegalArgumentException("sbatch answered no job id: " + oneLine(stdout));
        return s;
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String o = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return o.length() > 200 ? o.substring(0, 200) + "..." : o;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
