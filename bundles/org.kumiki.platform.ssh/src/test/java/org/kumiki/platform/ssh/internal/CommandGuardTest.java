package org.kumiki.platform.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

class CommandGuardTest {

    private final TestAccessControl access = new TestAccessControl();
    private final Set<String> commands = Set.of("sched:submit", "sched:list", "other:submit", "hc:exec", "gogo:exec",
            "gogo:grep", "gogo:cat", "felix:lb");

    private CommandGuard guard(Role role) {
        return new CommandGuard(access, new Caller("alice", role, Caller.SSH), () -> commands);
    }

    @Test
    void viewerMayReadButNotSubmit() {
        assertTrue(guard(Role.VIEWER).check("sched:list", List.of()).isEmpty());
        assertEquals("sched:submit needs the operator role; alice is viewer",
                guard(Role.VIEWER).check("sched:submit", List.of("x")).orElseThrow());
    }

    @Test
    void aBareNameNeedsTheHighestRoleOfItsScopes() {
        assertEquals("other:submit needs the operator role; alice is viewer",
                guard(Role.VIEWER).check("submit", List.of()).orElseThrow(), "the first scope, sorted, of the highest role");
        assertTrue(guard(Role.OPERATOR).check("submit", List.of()).isEmpty());
        assertEquals("other:submit needs the operator role; alice is viewer",
                guard(Role.VIEWER).check("*:submit", List.of()).orElseThrow());
        assertTrue(guard(Role.VIEWER).check("*:cat", List.of("/etc/passwd")).isPresent());
        assertTrue(guard(Role.VIEWER).check("nosuch", List.of()).isPresent(), "unknown names fall back to the defaults");
    }

    @Test
    void escapingBuiltinsNeedAdminOnlyInGogosScope() {
        assertTrue(guard(Role.OPERATOR).check("gogo:cat", List.of("/etc/passwd")).isPresent());
        assertTrue(guard(Role.OPERATOR).check("cat", List.of("/etc/passwd")).isPresent());
        assertTrue(guard(Role.ADMIN).check("cat", List.of("/etc/passwd")).isEmpty());
        assertTrue(guard(Role.VIEWER).check("hc:exec", List.of()).isPresent(), "hc:exec is not reading in the test defaults");
        assertTrue(guard(Role.OPERATOR).check("hc:exec", List.of()).isEmpty(), "the gogo floor does not reach hc:exec");
        assertTrue(guard(Role.OPERATOR).check("gogo:exec", List.of()).isPresent());
    }

    @Test
    void grepOnItsInputIsReadingGrepOnFilesIsAdmin() {
        assertTrue(guard(Role.VIEWER).check("grep", List.of("-i", "task")).isEmpty());
        assertTrue(guard(Role.VIEWER).check("grep", List.of("root", "/etc/shadow")).isPresent());
    }

    @Test
    void methodCallsOnPlainValuesOnly() {
        CommandGuard viewer = guard(Role.VIEWER);
        assertTrue(viewer.checkInvoke("text", "length").isEmpty());
        assertTrue(viewer.checkInvoke(new ArrayList<>(List.of(1)), "size").isEmpty());
        assertTrue(viewer.checkInvoke(List.of(1), "size").isEmpty());
        assertTrue(viewer.checkInvoke(String.class, "forName").isPresent());
        assertTrue(viewer.checkInvoke(Thread.currentThread(), "interrupt").isPresent());
        assertTrue(viewer.checkInvoke(new ProcessBuilder("true"), "start").isPresent());
        assertTrue(guard(Role.ADMIN).checkInvoke(String.class, "getName").isEmpty());
    }
}
