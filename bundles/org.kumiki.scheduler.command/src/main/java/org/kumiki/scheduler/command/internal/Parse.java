package org.kumiki.scheduler.command.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.kumiki.platform.text.Options;
import org.kumiki.platform.text.Text;
import org.kumiki.scheduler.api.DependencyType;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.DependencyDTO;

/**
 * Parsing of command-line values: sizes, Slurm walltimes and dependencies, labels, environment
 * entries, counts and task states. Every method throws an {@link IllegalArgumentException} with
 * a one-line message that names the option and the (quoted, sanitised) value.
 */
final class Parse {
    private Parse() {}

    private static final Pattern SUFFIXED_TIME = Pattern.compile("([0-9]+)([smhd])", Pattern.CASE_INSENSITIVE);
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_SHOWN = 40;

    /** A memory size in bytes, in the commands' one size grammar ({@link Options#size}): {@code 512M}, {@code 1.5G}, {@code 64KiB}; 0 means unspecified. */
    static long memory(String option, String value) {
        return Options.size(option, value);
    }

    /**
     * A walltime in seconds, in Slurm's formats {@code MM}, {@code MM:SS}, {@code HH:MM:SS},
     * {@code D-HH}, {@code D-HH:MM}, {@code D-HH:MM:SS}, or as {@code 90s}, {@code 5m},
     * {@code 2h}, {@code 1d}; {@code 0}, {@code unlimited} and {@code infinite} mean no limit (0).
     */
    static long walltime(String option, String value) {
        String hint = "a walltime such as 30 (minutes), 10:00, 1:30:00, 2-12, 2-12:30, 2-12:30:00, 90s, 5m or 2h";
        String v = require(option, value, hint).strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("unlimited") || lower.equals("infinite")) return 0;
        Matcher s = SUFFIXED_TIME.matcher(v);
        try {
            if (s.matches()) {
                long n = number(option, value, s.group(1));
                switch (s.group(2).toLowerCase(Locale.ROOT)) {
                    case "s": return n;
                    case "m": return Math.multiplyExact(n, 60);
                    case "h": return Math.multiplyExact(n, 3600);
                    default: return Math.multiplyExact(n, 86400);
                }
            }
            long days = 0;
            String clock = v;
            int dash = v.indexOf('-');
            boolean withDays = dash >= 0;
            if (withDays) {
                String d = v.substring(0, dash);
                if (!DIGITS.matcher(d).matches()) throw invalid(option, value, "expected " + hint);
                days = number(option, value, d);
                clock = v.substring(dash + 1);
            }
            String[] parts = clock.split(":", -1);
            if (parts.length > 3) throw invalid(option, value, "expected at most three ':'-separated fields; " + hint);
            for (String p : parts) {
                if (!DIGITS.matcher(p).matches()) throw invalid(option, value, "expected " + hint);
            }
            long[] f = new long[parts.length];
            for (int i = 0; i < parts.length; i++) f[i] = number(option, value, parts[i]);
            long hours = 0, minutes = 0, seconds = 0;
            if (withDays) {
                // D-HH, D-HH:MM, D-HH:MM:SS
                hours = f[0];
                if (hours > 23) throw invalid(option, value, "hours must be 0-23 after a day count");
                if (f.length > 1) minutes = f[1];
                if (f.length > 2) seconds = f[2];
                if (f.length > 1 && minutes > 59) throw invalid(option, value, "minutes must be 0-59");
            } else if (f.length == 1) { // MM
                minutes = f[0];
            } else if (f.length == 2) { // MM:SS
                minutes = f[0];
                seconds = f[1];
            } else { // HH:MM:SS
                hours = f[0];
                minutes = f[1];
                seconds = f[2];
                if (minutes > 59) throw invalid(option, value, "minutes must be 0-59");
            }
            if (seconds > 59) throw invalid(option, value, "seconds must be 0-59");
            long total = Math.multiplyExact(days, 86400);
            total = Math.addExact(total, Math.multiplyExact(hours, 3600));
            total = Math.addExact(total, Math.multiplyExact(minutes, 60));
            return Math.addExact(total, seconds);
        } catch (ArithmeticException e) {
            throw invalid(option, value, "too large");
        }
    }

    /**
     * A timeout in seconds: plain seconds ({@code 30}) or {@code 90s}, {@code 5m}, {@code 2h},
     * {@code 1d}, or any walltime with ':' fields ({@code 1:30:00}).
     */
    static long timeoutSeconds(String option, String value) {
        String v = require(option, value, "seconds, or a duration such as 90s, 5m or 2h").strip();
        if (DIGITS.matcher(v).matches()) return number(option, value, v);
        if (v.startsWith("-") && INTEGER.matcher(v).matches()) throw invalid(option, value, "must not be negative");
        return walltime(option, value);
    }

    /**
     * Dependencies in Slurm syntax: {@code afterok:ID[:ID...][,afterany:ID...][,afternotok:ID...]}
     * (types in any case). Duplicates are dropped.
     */
    static List<DependencyDTO> dependencies(String option, String value) {
        String hint = "expected TYPE:ID[:ID...][,TYPE:ID...] with TYPE afterok, afterany or afternotok";
        String v = require(option, value, hint.substring("expected ".length())).strip();
        if (v.indexOf('?') >= 0) throw invalid(option, value, "'?' (any-of dependencies) is not supported; " + hint);
        List<DependencyDTO> out = new ArrayList<>();
        for (String group : v.split(",", -1)) {
            String[] parts = group.split(":", -1);
            if (group.isEmpty() || parts.length < 2) throw invalid(option, value, hint);
            DependencyType type;
            switch (parts[0].toLowerCase(Locale.ROOT)) {
                case "afterok": type = DependencyType.AFTER_OK; break;
                case "afterany": type = DependencyType.AFTER_ANY; break;
                case "afternotok": type = DependencyType.AFTER_NOT_OK; break;
                default:
                    throw invalid(option, value, "unknown dependency type '" + shown(parts[0]) + "'; " + hint);
            }
            for (int i = 1; i < parts.length; i++) {
                String id = parts[i];
                if (id.isEmpty()) throw invalid(option, value, "empty task id; " + hint);
                if (!printableWithoutSpace(id)) throw invalid(option, value, "task id '" + shown(id) + "' contains spaces or control characters");
                boolean dup = out.stream().anyMatch(d -> d.type == type && d.taskId.equals(id));
                if (!dup) out.add(DependencyDTO.of(id, type));
            }
        }
        return out;
    }

    /** Dependencies back in Slurm syntax, for display. */
    static String dependencies(List<DependencyDTO> deps) {
        if (deps == null || deps.isEmpty()) return "";
        Map<DependencyType, List<String>> byType = new java.util.LinkedHashMap<>();
        for (DependencyDTO d : deps) {
            if (d == null) continue;
            byType.computeIfAbsent(d.type == null ? DependencyType.AFTER_OK : d.type, k -> new ArrayList<>()).add(d.taskId);
        }
        return byType.entrySet().stream()
                .map(e -> e.getKey().name().replace("_", "").toLowerCase(Locale.ROOT) + ":" + String.join(":", e.getValue()))
                .collect(Collectors.joining(","));
    }

    /**
     * Labels {@code key=value}, several separated by ','. Keys are non-empty and have no spaces,
     * '=' or ','; the value may be empty and may contain '='. Adds them to {@code into} (a later
     * value of the same key replaces the earlier one).
     */
    static void labels(String option, String value, Map<String, String> into) {
        String v = require(option, value, "key=value[,key=value...]");
        for (String item : v.split(",", -1)) {
            int eq = item.indexOf('=');
            if (item.isEmpty()) throw invalid(option, value, "empty label; expected key=value[,key=value...]");
            if (eq < 0) throw invalid(option, value, "label '" + shown(item) + "' has no '='; expected key=value");
            String key = item.substring(0, eq).strip();
            if (key.isEmpty()) throw invalid(option, value, "label '" + shown(item) + "' has an empty key; expected key=value");
            if (!printableWithoutSpace(key)) throw invalid(option, value, "label key '" + shown(key) + "' contains spaces or control characters");
            String val = item.substring(eq + 1);
            if (hasControl(val)) throw invalid(option, value, "label value contains control characters");
            into.put(key, val);
        }
    }

    /** One environment entry {@code KEY=VALUE} (the value may be empty and contain '=' and ','). */
    static void environment(String option, String value, Map<String, String> into) {
        String v = require(option, value, "KEY=VALUE");
        int eq = v.indexOf('=');
        if (eq < 0) throw invalid(option, value, "expected KEY=VALUE");
        String key = v.substring(0, eq);
        if (!ENV_KEY.matcher(key).matches()) {
            throw invalid(option, value, "variable name '" + shown(key) + "' must be letters, digits and '_', not starting with a digit");
        }
        String val = v.substring(eq + 1);
        if (val.indexOf('\0') >= 0) throw invalid(option, value, "value contains a NUL character");
        into.put(key, val);
    }

    /** An int in [min, max] ({@link Options#integer}). */
    static int integer(String option, String value, int min, int max) {
        return Options.integer(option, value, min, max);
    }

    /** Task states separated by ',' (any case, '-' for '_'). */
    static Set<TaskState> states(String option, String value) {
        String valid = Arrays.stream(TaskState.values()).map(Enum::name).collect(Collectors.joining(", "));
        String v = require(option, value, "a state: " + valid).strip();
        Set<TaskState> out = EnumSet.noneOf(TaskState.class);
        for (String item : v.split(",", -1)) {
            String name = item.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            TaskState found = null;
            for (TaskState s : TaskState.values()) {
                if (s.name().equals(name)) found = s;
            }
            if (found == null) throw new IllegalArgumentException("unknown state '" + shown(item) + "' for " + option + ": valid states are " + valid);
            out.add(found);
        }
        return out;
    }

    /** A non-empty single-line text (names, paths). */
    static String text(String option, String value) {
        String v = require(option, value, "a non-empty value");
        if (hasControl(v)) throw invalid(option, value, "contains control characters");
        return v;
    }

    /** A non-empty identifier without spaces (backends, partitions, functions, task ids). */
    static String word(String option, String value) {
        String v = require(option, value, "a name without spaces");
        if (!printableWithoutSpace(v)) throw invalid(option, value, "must not contain spaces or control characters");
        return v;
    }

    /**
     * JSON text (an object, array or value), checked for syntax only, so a typo is reported
     * here rather than by the function. Nesting deeper than {@value #MAX_JSON_DEPTH} is refused.
     */
    static String json(String option, String value) {
        String v = require(option, value, "JSON (an object, array or value)");
        try (JsonParser p = JSON.createParser(v)) {
            p.nextToken();
            p.skipChildren(); // reads (and so checks) the whole value
            if (p.nextToken() != null) throw invalid(option, value, "not valid JSON: more after the value at offset " + p.currentTokenLocation().getCharOffset());
        } catch (StreamConstraintsException e) {
            throw invalid(option, value, "not valid JSON: nested deeper than " + MAX_JSON_DEPTH + " levels");
        } catch (IOException e) {
            throw invalid(option, value, "not valid JSON: " + firstLine(e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage()));
        }
        return v.strip();
    }

    static final int MAX_JSON_DEPTH = 256;

    /** Jackson, the project's one JSON library, bounded so a hostile nesting cannot exhaust the stack. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build()).build();

    private static String firstLine(String m) {
        return m == null ? "syntax error" : Text.firstLine(m);
    }
    // ---- helpers

    private static long number(String option, String value, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw invalid(option, value, "too large");
        }
    }

    private static String require(String option, String value, String expected) {
        if (value == null || value.isBlank()) throw invalid(option, value == null ? "" : value, "expected " + expected);
        return value;
    }

    static IllegalArgumentException invalid(String option, String value, String why) {
        return Options.invalid(option, value, why);
    }

    private static boolean hasControl(String s) {
        return s.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
    }

    private static boolean printableWithoutSpace(String s) {
        return s.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    /** A value as it may appear in a one-line message: control characters escaped, long values cut. */
    static String shown(String value) {
        return Text.shown(value, MAX_SHOWN);
    }
}
