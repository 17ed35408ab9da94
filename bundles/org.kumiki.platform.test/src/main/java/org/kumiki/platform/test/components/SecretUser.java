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

/** A component that reads its bearer token from a private file, as the REST endpoint does (SecretsIT). */
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
    private final String file;

    @Activate
    public SecretUser(Config config) {
        this.file = config.token_file();
        try {
            this.token = SecretFile.read("token.file", Path.of(file));
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(SecretUser.class).error("{}: {}", PID, e.getMessage());
            throw e;
        }
        LoggerFactory.getLogger(SecretUser.class).info("{}: token read from {}", PID, file);
    }

    public boolean accepts(String candidate) {
        return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SecretUser[token.file=" + file + "]";
    }
}
