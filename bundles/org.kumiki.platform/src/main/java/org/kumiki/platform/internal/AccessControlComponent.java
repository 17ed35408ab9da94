package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.AuthorizedKeyDTO;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.api.access.TokenDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens ({@code state/access/tokens}), SSH keys ({@code state/access/authorized_keys})
 * and the role each command needs. Delayed: nothing happens until the first caller. Each call
 * checks the file it needs with one stat and re-reads it when it changed (no thread).
 */
@Component(service = {AccessControl.class, AccessAdmin.class})
public class AccessControlComponent implements AccessControl, AccessAdmin {

    static final String TOKENS = "tokens";
    static final String AUTHORIZED_KEYS = "authorized_keys";
    private static final String ROLES_FILTER = "(&(osgi.command.scope=*)(" + COMMAND_ROLES + "=*))";
    private static final Logger LOG = LoggerFactory.getLogger(AccessControlComponent.class);

    private final Installation installation;
    private final BundleContext context;
    private final Object lock = new Object();
    private volatile Path dir;
    private volatile TokenState tokenState;
    private volatile KeyState keyState;
    private volatile Map<String, Role> overrides;
    private final Set<Object> warnedServices = new HashSet<>();
    private ServiceListener listener;
    private SecureRandom random;

    record TokenState(AccessFiles.Stamp stamp, Tokens tokens, String refusal) {
    }

    record KeyState(AccessFiles.Stamp stamp, AuthorizedKeys keys, String refusal) {
    }

    @Activate
    public AccessControlComponent(@Reference Installation installation, BundleContext context) {
        this.installation = installation;
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            if (listener != null && context != null) {
                try {
                    context.removeServiceListener(listener);
                } catch (IllegalStateException e) {
                    // the bundle is stopping
                }
            }
            listener = null;
        }
    }

    private Path dir() {
        Path d = dir;
        if (d == null) {
            d = installation.stateDirectory("access");
            dir = d;
        }
        return d;
    }

    /** {@code state/access} (0700). */
    Path stateDirectory() {
        return dir();
    }

    Path tokensFile() {
        return dir().resolve(TOKENS);
    }

    Path keysFile() {
        return dir().resolve(AUTHORIZED_KEYS);
    }

    // ---------------------------------------------------------------- authentication

    @Override
    public Optional<Caller> byToken(String token, String channel) {
        Tokens.Token t = tokenState().tokens().find(token);
        return t == null ? Optional.empty() : Optional.of(new Caller(t.name(), t.role(), channel == null ? "unknown" : channel));
    }

    @Override
    public Optional<Caller> byPublicKey(PublicKey key, String channel) {
        AuthorizedKeys.Key k = keyState().keys().find(key);
        return k == null ? Optional.empty() : Optional.of(new Caller(k.name(), k.role(), channel == null ? "unknown" : channel));
    }

    TokenState tokenState() {
        Path file = tokensFile();
        AccessFiles.Stamp now = AccessFiles.stamp(file);
        TokenState s = tokenState;
        if (s != null && s.stamp().equals(now)) return s;
        synchronized (lock) {
            s = tokenState;
            if (s != null && s.stamp().equals(now)) return s;
            s = loadTokens(file, now);
            tokenState = s;
            return s;
        }
    }

    private TokenState loadTokens(Path file, AccessFiles.Stamp stamp) {
        if (stamp.missing()) {
            LOG.debug("access: no tokens file {}: no bearer token is accepted", file);
            return new TokenState(stamp, Tokens.NONE, null);
        }
        String refusal = AccessFiles.refusal(file, stamp, true);
        if (refusal != null) {
            LOG.error("access: bearer tokens refused, none is accepted: {}", refusal);
            return new TokenState(stamp, Tokens.NONE, refusal);
        }
        try {
            Tokens.Parsed p = Tokens.parse(AccessFiles.lines(file));
            p.problems().forEach(problem -> LOG.warn("access: {}: {}", file, problem));
            LOG.info("access: {} bearer token(s) read from {}", p.tokens().size(), file);
            return new TokenState(stamp, new Tokens(p.tokens()), null);
        } catch (IOException e) {
            String why = file + ": cannot be read (" + Text.oneLine(e.getMessage()) + ")";
            LOG.error("access: bearer tokens refused, none is accepted: {}", why);
            return new TokenState(stamp, Tokens.NONE, why);
        }
    }

    KeyState keyState() {
        Path file = keysFile();
        AccessFiles.Stamp now = AccessFiles.stamp(file);
        KeyState s = keyState;
        if (s != null && s.stamp().equals(now)) return s;
        synchronized (lock) {
            s = keyState;
            if (s != null && s.stamp().equals(now)) return s;
            s = loadKeys(file, now);
            keyState = s;
            return s;
        }
    }

    private KeyState loadKeys(Path file, AccessFiles.Stamp stamp) {
        if (stamp.missing()) {
            LOG.debug("access: no {}: no SSH key is accepted", file);
            return new KeyState(stamp, AuthorizedKeys.NONE, null);
        }
        String refusal = AccessFiles.refusal(file, stamp, false);
        if (refusal != null) {
            LOG.error("access: SSH keys refused, none is accepted: {}", refusal);
            return new KeyState(stamp, AuthorizedKeys.NONE, refusal);
        }
        try {
            AuthorizedKeys.Parsed p = AuthorizedKeys.parse(AccessFiles.lines(file));
            p.problems().forEach(problem -> LOG.warn("access: {}: {}", file, problem));
            LOG.info("access: {} SSH key(s) read from {}", p.keys().size(), file);
            return new KeyState(stamp, new AuthorizedKeys(p.keys()), null);
        } catch (IOException e) {
            String why = file + ": cannot be read (" + Text.oneLine(e.getMessage()) + ")";
            LOG.error("access: SSH keys refused, none is accepted: {}", why);
            return new KeyState(stamp, AuthorizedKeys.NONE, why);
        }
    }

    // ---------------------------------------------------------------- authorization

    @Override
    public Role requiredRole(String scope, String function) {
        String s = scope == null ? "" : scope.toLowerCase(Locale.ROOT);
        String f = function == null ? "" : function.toLowerCase(Locale.ROOT);
        Role r = overrides().get(s + ":" + f);
        return r != null ? r : CommandRoles.byDefault(s, f);
    }

    private Map<String, Role> overrides() {
        Map<String, Role> m = overrides;
        if (m != null) return m;
        synchronized (lock) {
            if (overrides == null) {
                if (context == null) {
                    overrides = Map.of();
                } else {
                    listener = event -> rebuildOverrides();
                    try {
                        context.addServiceListener(listener, ROLES_FILTER);
                    } catch (InvalidSyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                    rebuildOverrides();
                }
            }
            return overrides;
        }
    }

    private void rebuildOverrides() {
        Map<String, Role> m = new HashMap<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences((String) null, ROLES_FILTER);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            refs = null;
        }
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                List<String> problems = new ArrayList<>();
                Map<String, Role> one = CommandRoles.overrides(r.getProperty("osgi.command.scope"), r.getProperty("osgi.command.function"),
                        r.getProperty(COMMAND_ROLES), problems);
                // two services with one command: the stricter role wins
                one.forEach((k, v) -> m.merge(k, v, (a, b) -> a.compareTo(b) >= 0 ? a : b));
                Object id = r.getProperty("service.id");
                synchronized (warnedServices) {
                    if (!problems.isEmpty() && warnedServices.add(id)) {
                        String bundle = r.getBundle() == null ? "?" : r.getBundle().getSymbolicName();
                        problems.forEach(p -> LOG.warn("access: {} of service {} ({}): {}; entry ignored", COMMAND_ROLES, id, bundle, p));
                    }
                }
            }
        }
        overrides = Map.copyOf(m);
    }

    @Override
    public Optional<String> check(Caller caller, Role needed, String action) {
        Role need = needed == null ? Role.ADMIN : needed;
        if (caller != null && caller.allows(need)) return Optional.empty();
        String act = Text.oneLine(action == null ? "(unnamed action)" : action);
        if (caller == null) {
            LOG.warn("access refused: an unauthenticated caller asked for {}, which needs the {} role", act, need.label());
            return Optional.of("refused: " + act + " needs the " + need.label() + " role; the caller is not authenticated");
        }
        String name = Text.oneLine(caller.name());
        LOG.warn("access refused: {} ({}) via {} asked for {}, which needs the {} role", name, caller.role().label(),
                Text.oneLine(caller.channel()), act, need.label());
        return Optional.of("refused: " + act + " needs the " + need.label() + " role; " + name + " has " + caller.role().label());
    }

    // ---------------------------------------------------------------- administration

    @Override
    public List<TokenDTO> tokens() {
        TokenState s = tokenState();
        if (s.refusal() != null) throw new IllegalStateException("tokens refused: " + s.refusal());
        List<TokenDTO> out = new ArrayList<>();
        for (Tokens.Token t : s.tokens().all()) {
            TokenDTO d = new TokenDTO();
            d.name = t.name();
            d.role = t.role().label();
            out.add(d);
        }
        return out;
    }

    @Override
    public String addToken(String name, Role role) {
        if (name == null || !Tokens.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad token name '" + Text.oneLine(name)
                    + "': letters, digits, '.', '_', '@' and '-', at most 64, starting with a letter or digit");
        }
        Objects.requireNonNull(role, "role");
        synchronized (lock) {
            List<String> lines = currentLinesForWriting();
            for (String l : lines) {
                if (name.equals(Tokens.nameOf(l))) {
                    throw new IllegalArgumentException("a token named '" + name + "' exists; remove it first (kumiki:token-remove " + name + ")");
                }
            }
            if (random == null) random = new SecureRandom();
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (lines.isEmpty()) lines.add("# Kumiki bearer tokens: NAME ROLE sha256:HEX (only digests; kumiki:token-add makes one)");
            lines.add(Tokens.line(name, role, token));
            write(lines);
            LOG.info("access: token '{}' ({}) added to {}", name, role.label(), tokensFile());
            return token;
        }
    }

    @Override
    public boolean removeToken(String name) {
        synchronized (lock) {
            List<String> lines = currentLinesForWriting();
            List<String> kept = new ArrayList<>();
            for (String l : lines) {
                if (name == null || !name.equals(Tokens.nameOf(l))) kept.add(l);
            }
            if (kept.size() == lines.size()) return false;
            write(kept);
            LOG.info("access: token '{}' removed from {}", Text.oneLine(name), tokensFile());
            return true;
        }
    }

    private List<String> currentLinesForWriting() {
        Path file = tokensFile();
        AccessFiles.Stamp s = AccessFiles.stamp(file);
        if (s.missing()) return new ArrayList<>();
        if (!s.regular() || s.size() > AccessFiles.MAX_FILE_BYTES) throw new IllegalStateException("tokens refused: " + AccessFiles.refusal(file, s, true));
        try {
            return new ArrayList<>(AccessFiles.lines(file));
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read (" + Text.oneLine(e.getMessage()) + ")");
        }
    }

    private void write(List<String> lines) {
        Path file = tokensFile();
        try {
            AccessFiles.write(file, lines);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be written (" + Text.oneLine(e.toString()) + ")");
        }
        tokenState = null;
    }

    @Override
    public List<AuthorizedKeyDTO> keys() {
        KeyState s = keyState();
        if (s.refusal() != null) throw new IllegalStateException("SSH keys refused: " + s.refusal());
        List<AuthorizedKeyDTO> out = new ArrayList<>();
        for (AuthorizedKeys.Key k : s.keys().all()) {
            AuthorizedKeyDTO d = new AuthorizedKeyDTO();
            d.name = k.name();
            d.type = k.type();
            d.fingerprint = k.fingerprint();
            d.role = k.role().label();
            d.line = k.line();
            out.add(d);
        }
        return out;
    }
}
