package org.kumiki.platform.ssh.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

/** A small AccessControl for the tests: named public keys with roles, the platform's defaults. */
final class TestAccessControl implements AccessControl {

    private static final Set<String> READING = Set.of("list", "show", "status", "help", "wait", "each", "echo", "grep");

    private final Map<PublicKey, Caller> keys = new ConcurrentHashMap<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();

    void add(Path publicKeyFile, String name, Role role) throws IOException, GeneralSecurityException {
        String line = Files.readString(publicKeyFile).trim();
        PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        keys.put(key, new Caller(name, role, Caller.SSH));
    }

    @Override
    public Optional<Caller> byToken(String token, String channel) {
        return Optional.empty();
    }

    @Override
    public Optional<Caller> byPublicKey(PublicKey key, String channel) {
        return keys.entrySet().stream().filter(e -> KeyUtils.compareKeys(e.getKey(), key)).map(Map.Entry::getValue).findFirst();
    }

    @Override
    public Role requiredRole(String scope, String function) {
        if ("felix".equals(scope)) {
            return Role.ADMIN;
        }
        return READING.contains(function) ? Role.VIEWER : Role.OPERATOR;
    }

    @Override
    public Optional<String> check(Caller caller, Role needed, String action) {
        if (caller.allows(needed)) {
            return Optional.empty();
        }
        String line = action + " needs the " + needed.label() + " role; " + caller.name() + " is " + caller.role().label();
        refusals.add(line);
        return Optional.of(line);
    }
}
