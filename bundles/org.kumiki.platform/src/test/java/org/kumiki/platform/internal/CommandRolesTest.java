package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.Role;

class CommandRolesTest {

    @Test
    void defaultsFollowTheTableOfTheReadme() {
        for (String f : List.of("list", "show", "status", "help", "wait", "models", "devices", "runs")) assertEquals(Role.VIEWER, CommandRoles.byDefault("x", f), f);
        for (String f : List.of("submit", "cancel", "transfer", "plan", "run", "pause", "resume", "load", "unload", "estop", "ls"))
            assertEquals(Role.OPERATOR, CommandRoles.byDefault("x", f), f);
        for (String f : List.of("install", "update", "uninstall", "config", "log-level", "token-add", "token-remove", "tokens", "keys"))
            assertEquals(Role.ADMIN, CommandRoles.byDefault("kumiki", f), f);
        assertEquals(Role.ADMIN, CommandRoles.byDefault("felix", "stop"));
        assertEquals(Role.ADMIN, CommandRoles.byDefault("felix", "cd"));
        assertEquals(Role.VIEWER, CommandRoles.byDefault("felix", "headers"));
        assertEquals(Role.ADMIN, CommandRoles.byDefault("cm", "list"));
        assertEquals(Role.VIEWER, CommandRoles.byDefault("scr", "list"));
        assertEquals(Role.ADMIN, CommandRoles.byDefault("scr", "enable"));
        assertEquals(Role.VIEWER, CommandRoles.byDefault("gogo", "grep"));
        assertEquals(Role.ADMIN, CommandRoles.byDefault("gogo", "new"));
        assertEquals(Role.ADMIN, CommandRoles.byDefault("gogo", "exec"));
        assertEquals(Role.VIEWER, CommandRoles.byDefault("hc", "exec"));
        assertEquals(Role.VIEWER, CommandRoles.byDefault("kumiki", "log"));
    }

    @Test
    void aServiceOverridesItsOwnFunctionsAndBadEntriesAreReported() {
        List<String> problems = new ArrayList<>();
        Map<String, Role> m = CommandRoles.overrides("lab", new String[] {"estop", "reset", "devices", "Move"},
                new String[] {"estop=viewer", "*=operator", "reset=admin", "bogus", "move=superuser"}, problems);
        assertEquals(Map.of("lab:estop", Role.VIEWER, "lab:reset", Role.ADMIN, "lab:devices", Role.OPERATOR, "lab:move", Role.OPERATOR), m);
        assertEquals(List.of("'bogus' is not function=role", "'move=superuser': unknown role 'superuser': use viewer, operator or admin"), problems);
        assertEquals(Map.of("q:run", Role.ADMIN), CommandRoles.overrides("q", "run", "run=admin", new ArrayList<>()));
        assertEquals(Map.of(), CommandRoles.overrides(null, "run", "run=admin", new ArrayList<>()));
    }
}
