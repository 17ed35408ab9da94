package org.kumiki.platform.api.access;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Manages the bearer tokens and lists the SSH keys that {@link AccessControl} accepts. Provided by
 * the same component as {@link AccessControl}; used by the {@code kumiki:token-*} and
 * {@code kumiki:keys} commands (admin role). Files are written atomically with mode 0600.
 *
 * @since 1.1
 */
@ProviderType
public interface AccessAdmin {

    /**
     * The tokens' names and roles, in file order (never their digests).
     *
     * @throws IllegalStateException (one line) when the tokens file is refused (not private, too large)
     */
    List<TokenDTO> tokens();

    /**
     * Makes a token: 32 random bytes, base64url without padding. Only its SHA-256 digest is stored:
     * the returned value is the one and only time the token is seen.
     *
     * @param name letters, digits, '.', '_', '@' and '-', at most 64, starting with a letter or digit; unique
     * @throws IllegalArgumentException (one line) for a bad or already used name
     */
    String addToken(String name, Role role);

    /** Removes the token called {@code name}; false when there is none. */
    boolean removeToken(String name);

    /** The authorized SSH keys, in file order (malformed lines are left out and logged). */
    List<AuthorizedKeyDTO> keys();
}
