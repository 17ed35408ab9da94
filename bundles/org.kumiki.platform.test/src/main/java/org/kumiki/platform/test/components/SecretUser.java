package org.kumiki.platform.test.components;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;

import org.kumiki.platform.api.secret.SecretFile;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.LoggerFactory;

/**
 * A component that reads its bearer token from a private file (SecretsIT). A token file others
 * can read is refused as the product's access control refuses its tokens file: one ERROR line
 * naming the file and the fix, no token accepted, and no exception out of the constructor (which
 * SCR would print with its stack trace).
 */
@Component(service = SecretUser.class, configurationPid = SecretUser.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = SecretUser.Config.class)
public class SecretUser {

    public static final String PID = "org.kumiki.platform.test.secretuser";

    @ObjectClassDefinition(name = "Secret test component")
    public @interface Config {
        @AttributeDefinition(description = "File holding the token (mode 0600)")
        String token_file();
    }

    private final String token;
    private final String refusal;
    private final String file;

    @Activate
    public SecretUser(Config config) {
        this.file = config.token_file();
        String read = null;
        String why = null;
        try {
            read = SecretFile.read("token.file", Path.of(file));
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        this.token = read;
        this.refusal = why;
        if (why != null) {
            LoggerFactory.getLogger(SecretUser.class).error("{}: token refused, none is accepted: {}", PID, why);
        } else {
            LoggerFactory.getLogger(SecretUser.class).info("{}: token read from {}", PID, file);
        }
    }

    /** Why the token file was refused, or null when its token is in use. */
    public String refusal() {
        return refusal;
    }

    public boolean accepts(String candidate) {
        return token != null && candidate != null
                && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SecretUser[token.file=" + file + (refusal == null ? "" : ", refused: " + refusal) + "]";
    }
}
