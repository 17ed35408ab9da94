package org.kumiki.platform.api.access;

import org.osgi.dto.DTO;

/**
 * An SSH public key of {@code state/access/authorized_keys}.
 *
 * @since 1.1
 */
public class AuthorizedKeyDTO extends DTO {
    /** The key's comment, else {@code key-LINE}. */
    public String name;
    /** The OpenSSH key type, e.g. {@code ssh-ed25519}. */
    public String type;
    /** As {@code ssh-keygen -l} prints it: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
    public String fingerprint;
    /** The role's label: {@code viewer}, {@code operator} or {@code admin}. */
    public String role;
    /** Line number in the file (from 1). */
    public int line;
}
