package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.test.components.SecretUser;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Secrets kept secret: the installation's folders are private to the service's user, a token
 * file others can read is refused with one line, a private one works, and the token never
 * reaches the log or Gogo's output of the configuration.
 */
class SecretsIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    CommandProcessor gogo;

    @InjectService
    ServiceComponentRuntime scr;

    Path cfg;
    Path tokenFile;
    KumikiLog log;

    @BeforeEach
    void setUp() throws Exception {
        cfg = Path.of(context.getProperty("felix.fileinstall.dir")).resolve(SecretUser.PID + ".cfg");
        Path dir = Path.of(context.getProperty("kumiki.home")).resolve("secrets");
        Files.createDirectories(dir);
        tokenFile = dir.resolve("token-" + UUID.randomUUID());
        log = new KumikiLog(context);
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.deleteIfExists(cfg);
        RuntimeCompositionIT.await("secret user gone", () -> context.getServiceReference(SecretUser.class) == null);
        Files.deleteIfExists(tokenFile);
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theInstallationsFoldersArePrivateAndTheStartSaysWhatItChanged(@InjectService Installation inst) throws Exception {
        Path storage = Path.of(context.getProperty("org.osgi.framework.storage")).toAbsolutePath().normalize();
        assertEquals("rwx------", mode(storage), "framework cache (Config Admin's store) " + storage);
        assertEquals("rwx------", mode(Path.of(context.getProperty("kumiki.log.dir"))), "log folder");
        assertEquals("rwx------", mode(inst.deployDirectory()), "deploy folder");
        assertEquals("rwx------", mode(inst.stateDirectory("secrets-it")), "state folder of a domain");
        assertEquals("rwx------", mode(inst.stateRoot()), "state root");
        // the framework created its cache with the umask's mode (rwxr-xr-x) at this start
        assertTrue(log.linesOfThisRun().stream().anyMatch(l -> l.contains("made the framework cache folder " + storage + " private")),
                "a line says what changed");
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedAndAPrivateOneWorksWithoutEverPrintingIt() throws Exception {
        String secret = "tok-" + UUID.randomUUID();
        Files.writeString(tokenFile, secret + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(cfg, "token.file=" + tokenFile + "\n", StandardCharsets.UTF_8);
        String refused = log.await("the refusal", l -> l.contains(tokenFile + ": mode rw-r--r--"));
        assertTrue(refused.contains(SecretUser.PID + ": token refused, none is accepted: token.file " + tokenFile
                + ": mode rw-r--r-- lets other users read or change it; make it private (chmod 600 " + tokenFile + ")"), refused);
        SecretUser refusing = awaitUser("the refusing instance", u -> u.refusal() != null);
        assertFalse(refusing.accepts(secret), "no token accepted from a file others can read");
        assertTrue(refusing.refusal().contains("chmod 600 " + tokenFile), refusing.refusal());
        assertFalse(refusing.refusal().contains(secret), "the refusal does not hold the token");
        assertFalse(refusing.toString().contains(secret), "nor does the component's description");

        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(cfg, "token.file=" + tokenFile + "\nattempt=2\n", StandardCharsets.UTF_8);
        SecretUser user = awaitUser("started with the private token file", u -> u.refusal() == null);
        RuntimeCompositionIT.await("active with the private token file", () -> state() == ComponentConfigurationDTO.ACTIVE);
        ServiceReference<SecretUser> ref = context.getServiceReference(SecretUser.class);
        assertTrue(user.accepts(secret));
        assertFalse(user.accepts(secret + "x"));
        assertFalse(user.toString().contains(secret));

        String info = run("scr:info " + SecretUser.class.getName());
        assertTrue(info.contains("token.file"), "the configuration is shown: " + info);
        assertFalse(info.contains(secret), "but not the token");
        for (String key : ref.getPropertyKeys()) {
            assertFalse(String.valueOf(ref.getProperty(key)).contains(secret), "service property " + key);
        }
        log.await("token read", l -> l.contains(SecretUser.PID + ": token read from " + tokenFile));
        assertFalse(log.text().contains(secret), "the token never reaches the log");
    }

    /** Waits for the registered SecretUser (the instance of the latest configuration) to match. */
    SecretUser awaitUser(String what, java.util.function.Predicate<SecretUser> test) throws Exception {
        SecretUser[] found = new SecretUser[1];
        RuntimeCompositionIT.await(what, () -> {
            ServiceReference<SecretUser> ref = context.getServiceReference(SecretUser.class);
            SecretUser u = ref == null ? null : context.getService(ref);
            if (ref != null) context.ungetService(ref);
            found[0] = u;
            return u != null && test.test(u);
        });
        return found[0];
    }

    ComponentConfigurationDTO configuration() {
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(context.getBundle(), SecretUser.class.getName());
        return d == null ? null : scr.getComponentConfigurationDTOs(d).stream().findFirst().orElse(null);
    }

    int state() {
        ComponentConfigurationDTO c = configuration();
        return c == null ? -1 : c.state;
    }

    String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            return out.toString(StandardCharsets.UTF_8) + (r == null ? "" : s.format(r, Converter.INSPECT).toString());
        }
    }
}
