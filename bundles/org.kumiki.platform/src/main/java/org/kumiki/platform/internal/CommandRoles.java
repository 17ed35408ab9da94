package org.kumiki.platform.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.kumiki.platform.api.access.Role;

/**
 * The role each Gogo command needs: the default table (documented in the bundle README) and the
 * overrides that command services declare with {@code kumiki.command.roles}.
 */
final class CommandRoles {

    /** Reading verbs: viewer in any scope except felix and gogo, which have their own lists. */
    static final Set<String> READING = Set.of("list", "show", "status", "help", "info", "get", "read", "describe",
            "inspect", "wait", "tasks", "transfers", "endpoints", "backends", "models", "devices", "runs", "docs",
            "documents", "engines", "results", "stats", "metadata", "hardware", "gpus", "log", "exec", "health",
            "sweeps", "jobs", "campaigns", "plans");

    /** Framework scope: only these read; everything else (install, start, stop, update, refresh, cd, ls, ...) is admin. */
    static final Set<String> FELIX_READING = Set.of("lb", "headers", "inspect", "help", "which", "log");

    /** Gogo built-ins that reach files, processes or arbitrary classes: admin. Other built-ins: viewer. */
    static final Set<String> GOGO_ADMIN = Set.of("cat", "source", "sh", "exec", "new", "gosh", "telnetd", "ls", "cd",
            "addcommand", "removecommand", "less", "nano");

    /** Admin in any scope. */
    static final Set<String> ADMIN_ANYWHERE = Set.of("install", "uninstall", "update", "refresh", "resolve",
            "config", "configure", "log-level", "token-add", "token-remove", "tokens", "keys");

    /** Admin scopes: configuration, repositories, deployment, components' enable/disable is in scr below. */
    static final Set<String> ADMIN_SCOPES = Set.of("cm", "config", "obr", "repos", "deploy", "equinox", "jaas");

    private CommandRoles() {
    }

    /** The default role of {@code scope:function} (both compared in lower case). */
    static Role byDefault(String scope, String function) {
        String s = scope == null ? "" : scope.toLowerCase(Locale.ROOT);
        String f = function == null ? "" : function.toLowerCase(Locale.ROOT);
        if (ADMIN_ANYWHERE.contains(f) || ADMIN_SCOPES.contains(s)) {
            return Role.ADMIN;
        }
        switch (s) {
            case "felix":
                return FELIX_READING.contains(f) ? Role.VIEWER : Role.ADMIN;
            case "":
            case "gogo":
                return GOGO_ADMIN.contains(f) ? Role.ADMIN : Role.VIEWER;
            case "scr":
                return f.equals("list") || f.equals("info") ? Role.VIEWER : Role.ADMIN;
            case "lab":
                if (f.equals("reset")) return Role.ADMIN;
                break;
            default:
                break;
        }
        return READING.contains(f) ? Role.VIEWER : Role.OPERATOR;
    }

    /** Splits a property value (String, String[] or a collection) into its strings. */
    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String[] a) {
            for (String x : a) out.add(x);
        } else if (value instanceof Collection<?> c) {
            for (Object x : c) out.add(String.valueOf(x));
        } else if (value != null) {
            out.add(value.toString());
        }
        return out;
    }

    /**
     * The overrides one command service declares: {@code scope:function -> role} for each of its
     * functions that {@code function=role} or {@code *=role} names.
     *
     * @param problems receives one line per entry that is not {@code function=role} with a known role
     */
    static Map<String, Role> overrides(Object scope, Object functions, Object roles, List<String> problems) {
        Map<String, Role> out = new HashMap<>();
        List<String> scopes = strings(scope);
        if (scopes.isEmpty()) return out;
        String s = scopes.get(0).toLowerCase(Locale.ROOT);
        Map<String, Role> declared = new HashMap<>();
        Role star = null;
        for (String entry : strings(roles)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                problems.add("'" + Text.oneLine(entry) + "' is not function=role");
                continue;
            }
            String fn = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            Role r;
            try {
                r = Role.parse(entry.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                problems.add("'" + Text.oneLine(entry) + "': " + Text.oneLine(e.getMessage()));
                continue;
            }
            if (fn.equals("*")) star = r;
            else declared.put(fn, r);
        }
        for (String fn : strings(functions)) {
            String f = fn.toLowerCase(Locale.ROOT);
            Role r = declared.getOrDefault(f, star);
            if (r != null) out.put(s + ":" + f, r);
        }
        return out;
    }
}
