package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

/** The access component over real files: privacy rule, re-reads, token management, refusals. */
class AccessControlComponentTest {

    @TempDir
    Path home;
    AccessControlComponent access;
    LogLines log;
    Path tokens;
    Path keys;

    @BeforeEach
    void givenAnInstallation() {
        Installation inst = new Installation() {
            @Override public Path home() { return home; }
            @Override public Path stateRoot() { return home.resolve("state"); }
            @Override public Path logDirectory() { return home.resolve("log"); }
            @Override public Path deployDirectory() { return home.resolve("deploy"); }
            @Override public Path stateDirectory(String domain) {
                try {
                    return PrivateFolders.ensure(stateRoot().resolve(domain), "state");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        access = new AccessControlComponent(inst, null);
        tokens = home.resolve("state/access/tokens");
        keys = home.resolve("state/access/authorized_keys");
        log = new LogLines(AccessControlComponent.class);
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    void write(Path f, String mode, String... lines) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    }

    @Test
    void aGroupReadableTokensFileIsRefusedWithOneLogLineAndAcceptedOnceMadePrivate() throws Exception {
        write(tokens, "rw-r-----", Tokens.line("alice", Role.OPERATOR, "tok-a"));
        for (int i = 0; i < 3; i++) assertEquals(Optional.empty(), access.byToken("tok-a", Caller.REST));
        List<String> refusals = log.matching("bearer tokens refused");
        assertEquals(1, refusals.size(), "one line, not one per call: " + log.lines());
        assertTrue(refusals.get(0).contains(tokens + ": mode rw-r----- lets other users read or change it; make it private (chmod 600 " + tokens + ")"), refusals.get(0));
        IllegalStateException e = assertThrows(IllegalStateException.class, access::tokens);
        assertTrue(e.getMessage().startsWith("tokens refused: " + tokens + ": mode rw-r-----"), e.getMessage());

        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of(new Caller("alice", Role.OPERATOR, Caller.REST)), access.byToken("tok-a", Caller.REST), "re-read after chmod, no restart");
        assertTrue(access.stateDirectory().equals(tokens.getParent()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens.getParent())));
    }

    @Test
    void theTokensFileIsReReadWhenItChangesAndBadLinesAreLoggedWithTheirNumbers() throws Exception {
        write(tokens, "rw-------", "# team", Tokens.line("alice", Role.VIEWER, "tok-a"));
        assertTrue(access.byToken("tok-a", Caller.REST).isPresent());
        assertFalse(access.byToken("tok-b", Caller.REST).isPresent());
        write(tokens, "rw-------", "# team", Tokens.line("alice", Role.VIEWER, "tok-a"), "bob admin sha256:nothex", Tokens.line("carol", Role.ADMIN, "tok-b"));
        assertEquals(Role.ADMIN, access.byToken("tok-b", Caller.REST).orElseThrow().role());
        List<String> bad = log.matching("line 3");
        assertEquals(1, bad.size(), log.lines().toString());
        assertTrue(bad.get(0).startsWith("WARN access: " + tokens + ": line 3: token 'bob': the digest"), bad.get(0));
        Files.delete(tokens);
        assertFalse(access.byToken("tok-a", Caller.REST).isPresent(), "a removed file accepts nothing");
    }

    @Test
    void tokenAddPrintsATokenOnceStoresOnlyItsDigestInAPrivateFileAndRemoveRevokesIt() throws Exception {
        String token = access.addToken("alice", Role.OPERATOR);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));
        String file = Files.readString(tokens);
        assertFalse(file.contains(token), "the token itself is not stored");
        assertTrue(file.contains("alice operator sha256:"), file);
        assertEquals(Role.OPERATOR, access.byToken(token, Caller.REST).orElseThrow().role());
        String other = access.addToken("bob", Role.ADMIN);
        assertFalse(other.equals(token));
        assertEquals(List.of("alice:operator", "bob:admin"), access.tokens().stream().map(d -> d.name + ":" + d.role).toList());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> access.addToken("alice", Role.VIEWER));
        assertEquals("a token named 'alice' exists; remove it first (kumiki:token-remove alice)", dup.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> access.addToken("al ice\n", Role.VIEWER));
        assertTrue(bad.getMessage().startsWith("bad token name 'al ice\\n'"), bad.getMessage());
        assertTrue(access.removeToken("alice"));
        assertFalse(access.removeToken("alice"));
        assertFalse(access.byToken(token, Caller.REST).isPresent(), "revoked at once");
        assertTrue(access.byToken(other, Caller.REST).isPresent());
        assertFalse(String.join("\n", log.lines()).contains(token), "never logged");
        try (var s = Files.list(tokens.getParent())) {
            assertEquals(List.of("tokens"), s.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
        }
    }

    @Test
    void sshKeysMatchByEncodingMalformedLinesAreLoggedAndAGroupWritableFileIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        PublicKey alice = g.generateKeyPair().getPublic();
        PublicKey bob = g.generateKeyPair().getPublic();
        write(keys, "rw-r--r--", "role=admin " + AuthorizedKeysTest.openssh(alice) + " alice@lab", "ssh-ed25519 AAAA!! broken",
                AuthorizedKeysTest.openssh(bob));
        assertEquals(Optional.of(new Caller("alice@lab", Role.ADMIN, Caller.SSH)), access.byPublicKey(alice, Caller.SSH));
        assertEquals(Optional.of(new Caller("key-3", Role.VIEWER, Caller.SSH)), access.byPublicKey(bob, Caller.SSH));
        assertEquals(1, log.matching(keys + ": line 2: the ssh-ed25519 key is not valid base64").size(), log.lines().toString());
        assertEquals(List.of("alice@lab ssh-ed25519 admin 1", "key-3 ssh-ed25519 viewer 3"),
                access.keys().stream().map(k -> k.name + " " + k.type + " " + k.role + " " + k.line).toList());
        assertTrue(access.keys().get(0).fingerprint.matches("SHA256:[A-Za-z0-9+/]{43}"));

        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-rw-r--"));
        assertFalse(access.byPublicKey(alice, Caller.SSH).isPresent(), "a file others may change is refused");
        assertEquals(1, log.matching("SSH keys refused, none is accepted: " + keys + ": mode rw-rw-r-- lets other users change it").size(), log.lines().toString());
    }

    @Test
    void aRefusalIsOneLineForTheCallerAndAWarningNamingWhoWhereAndWhat() {
        Caller alice = new Caller("alice", Role.VIEWER, Caller.SSH);
        assertEquals(Optional.of("refused: sched:submit needs the operator role; alice has viewer"), access.check(alice, Role.OPERATOR, "sched:submit"));
        assertEquals(Optional.empty(), access.check(alice, Role.VIEWER, "sched:list"));
        assertEquals(Optional.empty(), access.check(new Caller("root", Role.ADMIN, Caller.REST), Role.OPERATOR, "POST /api/scheduler/tasks"));
        assertEquals(List.of("WARN access refused: alice (viewer) via ssh asked for sched:submit, which needs the operator role"), log.matching("refused"));
        assertEquals(Optional.of("refused: lab:reset\\n needs the admin role; the caller is not authenticated"), access.check(null, Role.ADMIN, "lab:reset\n"));
    }

    @Test
    void requiredRoleFollowsTheDefaultTable() {
        assertEquals(Role.VIEWER, access.requiredRole("sched", "list"));
        assertEquals(Role.VIEWER, access.requiredRole("SCHED", "Show"));
        assertEquals(Role.OPERATOR, access.requiredRole("sched", "submit"));
        assertEquals(Role.ADMIN, access.requiredRole("felix", "install"));
        assertEquals(Role.VIEWER, access.requiredRole("felix", "lb"));
        assertEquals(Role.ADMIN, access.requiredRole("lab", "reset"));
        assertEquals(Role.ADMIN, access.requiredRole("kumiki", "token-add"));
        assertEquals(Role.VIEWER, access.requiredRole("", "echo"));
        assertEquals(Role.ADMIN, access.requiredRole("gogo", "cat"));
    }
}
