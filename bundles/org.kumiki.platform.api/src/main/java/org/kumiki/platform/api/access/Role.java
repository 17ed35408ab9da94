package org.kumiki.platform.api.access;

import java.util.Locale;

/**
 * What a caller may do. Each role includes the ones before it.
 * <ul>
 * <li>{@link #VIEWER}: list, show, status, read documents, results and logs;</li>
 * <li>{@link #OPERATOR}: also submit and cancel tasks, transfers, simulations, plans, quantum jobs
 * and campaigns, load and unload models, pause and resume;</li>
 * <li>{@link #ADMIN}: also install, update and uninstall bundles, change configuration and logger
 * levels, reset a latched emergency stop, manage tokens.</li>
 * </ul>
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** True when this role includes {@code needed}. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The lower-case name used in files, headers and messages ({@code viewer}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role name, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static Role parse(String text) {
        if (text != null) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(text.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "': use viewer, operator or admin");
    }
}
