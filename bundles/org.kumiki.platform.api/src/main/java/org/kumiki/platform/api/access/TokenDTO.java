package org.kumiki.platform.api.access;

import org.osgi.dto.DTO;

/**
 * A bearer token as listed: its name and role, never the token or its digest.
 *
 * @since 1.1
 */
public class TokenDTO extends DTO {
    /** The token's name (who it was given to). */
    public String name;
    /** The role's label: {@code viewer}, {@code operator} or {@code admin}. */
    public String role;
}
