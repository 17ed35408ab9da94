package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Hashtable;
import java.util.Optional;
import java.util.UUID;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The platform's AccessControl in a real framework: tokens made by the admin service and by
 * kumiki:token-add authenticate until removed, a tokens file others can read is refused with one
 * line in kumiki.log, SSH keys match JDK keys, command services declare their roles, refusals are
 * logged with who asked.
 */
class AccessIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    AccessControl access;

    @InjectService
    AccessAdmin admin;

    @InjectService
    Installation installation;

    @InjectService
    CommandProcessor gogo;

    KumikiLog log;
    Path dir;

    @BeforeEach
    void setUp() {
        log = new KumikiLog(context);
        dir = installation.stateDirectory("access");
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.deleteIfExists(dir.resolve("authorized_keys"));
        for (var t : admin.tokens()) admin.removeToken(t.name);
    }

    @Test
    void aTokenAuthenticatesUntilRemovedAndATokensFileOthersCanReadIsRefusedInOneLine() throws Exception {
        String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String token = admin.addToken(name, Role.OPERATOR);
        Path tokens = dir.resolve("tokens");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(Optional.of(new Caller(name, Role.OPERATOR, Caller.REST)), access.byToken(token, Caller.REST));
        assertEquals(Optional.empty(), access.byToken(token + "x", Caller.REST));

        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(Optional.empty(), access.byToken(token, Caller.REST));
        assertEquals(Optional.empty(), access.byToken(token, Caller.REST));
        String line = log.await("the refusal", l -> l.contains("bearer tokens refused") && l.contains(tokens + ": mode rw-r-----"));
        assertTrue(line.contains("ERROR"), line);
        assertTrue(line.contains("make it private (chmod 600 " + tokens + ")"), line);
        assertEquals(1, log.linesOfThisRun().stream().filter(l -> l.contains("bearer tokens refused") && l.contains(tokens + ": mode rw-r-----")).count(),
                "one line, not one per request");

        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        assertTrue(access.byToken(token, Caller.REST).isPresent(), "accepted again without a restart");
        assertTrue(admin.removeToken(name));
        assertEquals(Optional.empty(), access.byToken(token, Caller.REST));
        assertFalse(log.text().contains(token), "the token never reaches the log");
    }

    static void string(DataOutputStream out, byte[] b) throws Exception {
        out.writeInt(b.length);
        out.write(b);
    }

    static String opensshRsa(RSAPublicKey k) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        string(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
        string(out, k.getPublicExponent().toByteArray());
        string(out, k.getModulus().toByteArray());
        return "ssh-rsa " + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Test
    void sshKeysOfTheFileMatchKeysByTheirEncodingAndABadLineIsLoggedWithItsNumber() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PublicKey alice = g.generateKeyPair().getPublic();
        PublicKey other = g.generateKeyPair().getPublic();
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "# operators\nssh-ed25519 %%% broken\nrole=operator " + opensshRsa((RSAPublicKey) alice) + " alice@lab\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.of(new Caller("alice@lab", Role.OPERATOR, Caller.SSH)), access.byPublicKey(alice, Caller.SSH));
        assertEquals(Optional.empty(), access.byPublicKey(other, Caller.SSH));
        log.await("the bad line", l -> l.contains(keys + ": line 2: the ssh-ed25519 key is not valid base64"));
        assertEquals(1, admin.keys().size());
        assertTrue(admin.keys().get(0).fingerprint.startsWith("SHA256:"));
    }

    @Test
    void aCommandServiceDeclaresTheRolesOfItsFunctions() {
        assertEquals(Role.OPERATOR, access.requiredRole("demo", "go"));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "demo");
        props.put("osgi.command.function", new String[] {"go", "look"});
        props.put(AccessControl.COMMAND_ROLES, new String[] {"go=admin", "*=viewer"});
        ServiceRegistration<Object> reg = context.registerService(Object.class, new Object(), props);
        try {
            assertEquals(Role.ADMIN, access.requiredRole("demo", "go"));
            assertEquals(Role.VIEWER, access.requiredRole("demo", "look"));
        } finally {
            reg.unregister();
        }
        assertEquals(Role.OPERATOR, access.requiredRole("demo", "go"), "back to the default when the service leaves");
        assertEquals(Role.VIEWER, access.requiredRole("sched", "list"));
        assertEquals(Role.ADMIN, access.requiredRole("felix", "uninstall"));
    }

    @Test
    void aRefusalIsOneLineForTheCallerAndLoggedWithWhoAskedThroughWhichChannel() throws Exception {
        String who = "viewer-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(Optional.of("refused: sched:submit needs the operator role; " + who + " has viewer"),
                access.check(new Caller(who, Role.VIEWER, Caller.SSH), Role.OPERATOR, "sched:submit"));
        String line = log.await("the warning", l -> l.contains("access refused: " + who));
        assertTrue(line.contains("WARN") && line.contains("via ssh asked for sched:submit, which needs the operator role"), line);
    }

    @Test
    void tokenCommandsInGogoShowTheTokenOnceAndNeverList() throws Exception {
        try (PlatformCommands commands = new PlatformCommands(context, gogo, "token-add", "token-remove", "tokens", "keys")) {
            String added = commands.run("kumiki:token-add gogo-user viewer");
            String token = added.lines().skip(1).findFirst().orElseThrow().strip();
            assertTrue(token.matches("[A-Za-z0-9_-]{43}"), added);
            assertTrue(added.contains("It is shown only this once and is not stored"), added);
            assertEquals(Role.VIEWER, access.byToken(token, Caller.REST).orElseThrow().role());
            String list = commands.run("kumiki:tokens");
            assertTrue(list.contains("gogo-user") && list.contains("viewer") && !list.contains(token), list);
            Exception dup = assertThrows(Exception.class, () -> commands.run("kumiki:token-add gogo-user admin"));
            assertTrue(dup.getMessage().startsWith("a token named 'gogo-user' exists"), dup.getMessage());
            assertTrue(commands.run("kumiki:token-remove gogo-user").contains("removed"));
            assertEquals(Optional.empty(), access.byToken(token, Caller.REST));
            assertTrue(commands.run("kumiki:keys").startsWith("no SSH keys"));
            assertEquals(Role.ADMIN, access.requiredRole("kumiki", "token-add"));
        }
    }
}
