package org.kumiki.scheduler.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.Json;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * The body of {@code POST /api/scheduler/tasks}: a command task ({@code command}) or a function
 * task ({@code function} with any JSON as {@code arguments}). Unknown properties are refused.
 */
public class TaskSubmission {

    /** Resources the task needs. */
    public static class Resources {
        /** CPU cores, 1 to 4096 (default 1). */
        public int cpus = 1;
        /** GPUs, 0 to 1024. */
        public int gpus;
        /** Memory in bytes; 0 = unspecified. */
        public long memoryBytes;
        /** Walltime in seconds; 0 = unlimited. */
        public long walltimeSeconds;
    }

    /** A dependency on another task: its id (or {@code #N} in a batch) and when it is met. */
    public static class Dependency {
        public String taskId;
        /** AFTER_OK (default), AFTER_ANY or AFTER_NOT_OK. */
        public DependencyType type = DependencyType.AFTER_OK;
    }

    public String name;
    /** Executable and arguments. */
    public List<String> command = new ArrayList<>();
    /** A Kumiki function (TaskFunction service) to run instead of a command. */
    public String function;
    /** The function's arguments: any JSON value. */
    public JsonNode arguments;
    public Map<String, String> environment = new LinkedHashMap<>();
    public String workingDirectory;
    public String stdout;
    public String stderr;
    public Resources resources = new Resources();
    public List<Dependency> dependencies = new ArrayList<>();
    /** Higher runs first among ready tasks (-1000000 to 1000000). */
    public int priority;
    /** Runs again after FAILED, TIMED_OUT or LOST, 0 to 100 times. */
    public int retries;
    public Map<String, String> labels = new LinkedHashMap<>();
    /** Backend to run on; absent = the default backend. */
    public String backend;
    /** Backend-specific queue (a Slurm partition). */
    public String partition;

    static final int MAX_NAME = 256;

    /**
     * Checks every field and makes the scheduler's spec.
     *
     * @param where prefix of the messages ("" or "tasks[2].")
     * @throws ApiException 400 naming the first bad field
     */
    TaskSpec toSpec(String where) {
        boolean hasCommand = command != null && !command.isEmpty();
        boolean hasFunction = function != null && !function.isBlank();
        if (hasCommand == hasFunction) {
            throw bad(where, "command", hasCommand ? "give either 'command' or 'function', not both" : "give 'command' (a list of strings) or 'function'");
        }
        if (hasCommand) {
            for (int i = 0; i < command.size(); i++) {
                if (command.get(i) == null) {
                    throw bad(where, "command[" + i + "]", "is null");
                }
                if (command.get(i).indexOf('\0') >= 0) {
                    throw bad(where, "command[" + i + "]", "contains a NUL character");
                }
            }
            if (command.get(0).isBlank()) {
                throw bad(where, "command[0]", "the executable is empty");
            }
            if (arguments != null) {
                throw bad(where, "arguments", "only a function task takes arguments");
            }
        }
        if (name != null && (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
            throw bad(where, "name", "at most " + MAX_NAME + " characters, no control characters");
        }
        if (resources == null) {
            resources = new Resources();
        }
        range(where, "resources.cpus", resources.cpus, 1, 4096);
        range(where, "resources.gpus", resources.gpus, 0, 1024);
        range(where, "resources.memoryBytes", resources.memoryBytes, 0, Long.MAX_VALUE / 2);
        range(where, "resources.walltimeSeconds", resources.walltimeSeconds, 0, 366L * 24 * 3600);
        range(where, "priority", priority, -1_000_000, 1_000_000);
        range(where, "retries", retries, 0, 100);
        checkMap(where, "environment", environment);
        checkMap(where, "labels", labels);
        TaskSpec s = new TaskSpec();
        s.name = name;
        if (hasCommand) {
            s.command = new ArrayList<>(command);
        } else {
            s.command = new ArrayList<>();
            s.function = function;
            try {
                s.arguments = arguments == null || arguments.isNull() ? null : Json.mapper().writeValueAsString(arguments);
            } catch (java.io.IOException e) {
                throw bad(where, "arguments", "cannot be written as JSON");
            }
        }
        s.environment = environment == null ? new LinkedHashMap<>() : new LinkedHashMap<>(environment);
        s.workingDirectory = blankToNull(workingDirectory);
        s.stdout = blankToNull(stdout);
        s.stderr = blankToNull(stderr);
        s.resources.cpus = resources.cpus;
        s.resources.gpus = resources.gpus;
        s.resources.memoryBytes = resources.memoryBytes;
        s.resources.walltimeSeconds = resources.walltimeSeconds;
        if (dependencies != null) {
            for (int i = 0; i < dependencies.size(); i++) {
                Dependency d = dependencies.get(i);
                if (d == null || d.taskId == null || d.taskId.isBlank()) {
                    throw bad(where, "dependencies[" + i + "].taskId", "is missing");
                }
                s.dependencies.add(DependencyDTO.of(d.taskId.trim(), d.type == null ? DependencyType.AFTER_OK : d.type));
            }
        }
        s.priority = priority;
        s.retries = retries;
        s.labels = labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels);
        s.backend = blankToNull(backend);
        s.partition = blankToNull(partition);
        return s;
    }

    private static void checkMap(String where, String field, Map<String, String> m) {
        if (m == null) {
            return;
        }
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().isEmpty() || e.getValue() == null) {
                throw bad(where, field, "keys must be non-empty and values strings (not null)");
            }
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
                throw bad(where, field + "." + e.getKey(), "contains a NUL character");
            }
        }
    }

    private static void range(String where, String field, long v, long min, long max) {
        if (v < min || v > max) {
            throw bad(where, field, v + " is out of range: " + min + " to " + max);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static ApiException bad(String where, String field, String why) {
        return ApiException.badRequest(where + field + ": " + why);
    }
}
