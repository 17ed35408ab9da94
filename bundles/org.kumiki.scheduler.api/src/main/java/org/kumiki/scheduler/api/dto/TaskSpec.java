package org.kumiki.scheduler.api.dto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.dto.DTO;

/**
 * What to run and what it needs. The same spec runs on every backend. Exactly one of
 * {@link #command} and {@link #function} is set.
 */
public class TaskSpec extends DTO {
    /** Human-readable name (need not be unique). */
    public String name;
    /** Executable and arguments. */
    public List<String> command = new ArrayList<>();
    /** Name of a Kumiki function (a {@code TaskFunction} service) to run instead of a command. */
    public String function;
    /** JSON arguments of the function (an object, array or value); null means none. */
    public String arguments;
    /** Extra environment variables of a command. */
    public Map<String, String> environment = new LinkedHashMap<>();
    /** Working directory; null means the backend's default. */
    public String workingDirectory;
    /** File for standard output; null means the backend's default (a file in the task's folder). */
    public String stdout;
    /** File for standard error; null means the backend's default. */
    public String stderr;
    public ResourcesDTO resources = new ResourcesDTO();
    public List<DependencyDTO> dependencies = new ArrayList<>();
    /** Higher runs first among ready tasks. */
    public int priority;
    /** How many times to run again after FAILED, TIMED_OUT or LOST. */
    public int retries;
    public Map<String, String> labels = new LinkedHashMap<>();
    /** Backend to run on (e.g. {@code local}, {@code slurm}); null means the default backend. */
    public String backend;
    /** Backend-specific queue, e.g. a Slurm partition; null means the backend's default. */
    public String partition;
    /**
     * How a task with more than one rank ({@code resources.tasks > 1}) is started; AUTO means
     * srun on Slurm and mpirun locally.
     *
     * @since 1.1
     */
    public org.kumiki.scheduler.api.Launcher launcher = org.kumiki.scheduler.api.Launcher.AUTO;

    /** A command task. */
    public static TaskSpec command(String name, String... command) {
        TaskSpec s = new TaskSpec();
        s.name = name;
        s.command = new ArrayList<>(List.of(command));
        return s;
    }

    /** A function task. */
    public static TaskSpec function(String name, String function, String jsonArguments) {
        TaskSpec s = new TaskSpec();
        s.name = name;
        s.function = function;
        s.arguments = jsonArguments;
        return s;
    }
}
