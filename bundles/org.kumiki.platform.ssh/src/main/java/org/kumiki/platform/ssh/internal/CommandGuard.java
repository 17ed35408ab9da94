package org.kumiki.platform.ssh.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

/**
 * Decides, for one remote caller, whether a Gogo command may run. The role a command needs comes
 * from {@link AccessControl#requiredRole}; on top of it, the Gogo built-ins that escape the
 * session's checks (a nested shell, scripts, a telnet server, reading host files, creating Java
 * objects, adding commands) need {@link Role#ADMIN} on this channel, whatever the defaults say.
 */
final class CommandGuard {

    /** Gogo built-ins that would open an unchecked path from a remote session. */
    static final Map<String, Role> FLOOR = Map.of(
            "gosh", Role.ADMIN, "sh", Role.ADMIN, "source", Role.ADMIN, "telnetd", Role.ADMIN,
            "cat", Role.ADMIN, "new", Role.ADMIN, "addcommand", Role.ADMIN, "removecommand", Role.ADMIN,
            "exec", Role.ADMIN);

    /** Package prefixes of objects a non-admin may call methods on ({@code $list size}). */
    private static final List<String> SAFE_TYPES = List.of("java.lang.String", "java.lang.Integer",
            "java.lang.Long", "java.lang.Double", "java.lang.Boolean", "java.util.ArrayList",
            "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.Collections$",
            "java.util.ImmutableCollections$", "java.time.");

    private final AccessControl access;
    private final Caller caller;
    private final Supplier<Set<String>> commands;

    /**
     * @param commands the names of every registered command, {@code scope:function}, to find the
     *        scopes a bare name may resolve to
     */
    CommandGuard(AccessControl access, Caller caller, Supplier<Set<String>> commands) {
        this.access = access;
        this.caller = caller;
        this.commands = commands;
    }

    Caller caller() {
        return caller;
    }

    /**
     * Checks a command about to run.
     *
     * @param name as typed: {@code sched:submit} or {@code submit} (a bare name is checked against
     *        every scope it may resolve to, and needs the highest of their roles)
     * @param args the arguments (only used for {@code grep FILE})
     * @return empty when allowed, else the one-line refusal
     */
    Optional<String> check(String name, List<Object> args) {
        String scope;
        String function;
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && name.substring(0, colon).contains("*")) {
            name = name.substring(colon + 1); // Gogo looks a bare name up as "*:name": any scope
            colon = -1;
        }
        Role needed;
        if (colon >= 0) {
            scope = name.substring(0, colon);
            function = name.substring(colon + 1);
            needed = roleOf(scope, function, args);
        } else {
            scope = null;
            function = name;
            needed = null;
            for (String c : new java.util.TreeSet<>(commands.get())) { // sorted: the same scope named each time
                int i = c.indexOf(':');
                if (i >= 0 && c.substring(i + 1).equalsIgnoreCase(function)) {
                    Role r = roleOf(c.substring(0, i), function, args);
                    if (needed == null || r.compareTo(needed) > 0) {
                        needed = r;
                        scope = c.substring(0, i);
                    }
                }
            }
            if (needed == null) {
                needed = roleOf("", function, args);
            }
        }
        if (caller.allows(needed)) {
            return Optional.empty();
        }
        String action = scope == null || scope.isEmpty() ? function : scope + ":" + function;
        return access.check(caller, needed, action);
    }

    private Role roleOf(String scope, String function, List<Object> args) {
        Role r = access.requiredRole(scope, function);
        if (!scope.isEmpty() && !scope.equalsIgnoreCase("gogo")) {
            return r; // the floor is for Gogo's own built-ins only (hc:exec is not gogo:exec)
        }
        Role floor = FLOOR.get(function.toLowerCase(java.util.Locale.ROOT));
        if ("grep".equalsIgnoreCase(function) && fileArguments(args)) {
            floor = Role.ADMIN; // grep PATTERN FILE... reads host files
        }
        return floor != null && floor.compareTo(r) > 0 ? floor : r;
    }

    private static boolean fileArguments(List<Object> args) {
        int plain = 0;
        for (Object a : args == null ? List.of() : args) {
            if (!String.valueOf(a).startsWith("-")) {
                plain++;
            }
        }
        return plain > 1;
    }

    /**
     * Checks a method call on an object ({@code $x method}): admins may call anything; others only
     * methods of plain values (strings, numbers, collections, times), never of framework objects,
     * classes, class loaders or processes.
     */
    Optional<String> checkInvoke(Object target, String method) {
        if (caller.allows(Role.ADMIN) || target == null || isSafe(target.getClass().getName())) {
            return Optional.empty();
        }
        return access.check(caller, Role.ADMIN, "method " + method + " on " + target.getClass().getName());
    }

    private static boolean isSafe(String type) {
        for (String s : SAFE_TYPES) {
            if (type.equals(s) || (s.endsWith("$") || s.endsWith(".")) && type.startsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
