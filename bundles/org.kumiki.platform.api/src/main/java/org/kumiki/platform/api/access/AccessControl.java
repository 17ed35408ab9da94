package org.kumiki.platform.api.access;

import java.security.PublicKey;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Authenticates remote callers and says which role an action needs. One service, provided by the
 * platform, consulted by the SSH console, the REST resources and the web console.
 * <p>
 * Tokens live in {@code state/access/tokens} (mode 0600; only SHA-256 digests are stored, a token
 * is shown once when it is made); SSH keys in {@code state/access/authorized_keys} (OpenSSH format,
 * an optional leading {@code role=viewer|operator|admin} option, default {@code viewer}). Both
 * files are re-read when they change.
 */
@ProviderType
public interface AccessControl {

    /**
     * Service property a Gogo command service may carry to state the role its functions need,
     * overriding the defaults: {@code String[]} of {@code function=role}, e.g.
     * {@code {"reset=admin", "estop=viewer"}}; {@code *=role} sets the default for the service.
     */
    String COMMAND_ROLES = "kumiki.command.roles";

    /** The caller a bearer token belongs to, or empty for an unknown, removed or malformed token. */
    Optional<Caller> byToken(String token, String channel);

    /** The caller an SSH public key belongs to, or empty when it is not authorized. */
    Optional<Caller> byPublicKey(PublicKey key, String channel);

    /**
     * The role a Gogo command needs. Defaults: framework and bundle management ({@code felix:}
     * except its reading commands {@code lb}, {@code headers}, {@code inspect}, {@code which},
     * {@code help}; {@code kumiki:install}, configuration, logger levels, token management,
     * emergency-stop reset) need {@link Role#ADMIN}; reading verbs ({@code list}, {@code show},
     * {@code status}, {@code help}, ...) and Gogo built-ins need {@link Role#VIEWER}, except the
     * built-ins that reach files, processes or arbitrary classes ({@code cat}, {@code source},
     * {@code exec}, {@code new}, {@code sh}, ...: admin); everything else needs
     * {@link Role#OPERATOR}. A command service's {@link #COMMAND_ROLES} property wins. The full
     * table is in the README of bundle {@code org.kumiki.platform}. Names compare without case.
     *
     * @param scope the command's scope ({@code sched}), may be empty for built-ins
     * @param function the command's name ({@code submit})
     */
    Role requiredRole(String scope, String function);

    /**
     * Checks that {@code caller} may do {@code action} (a command like {@code sched:submit} or an
     * endpoint like {@code POST /api/scheduler/tasks}). A refusal is logged with who asked, through
     * which channel, and what was needed.
     *
     * @return empty when allowed, else the one-line refusal to show the caller
     */
    Optional<String> check(Caller caller, Role needed, String action);
}
