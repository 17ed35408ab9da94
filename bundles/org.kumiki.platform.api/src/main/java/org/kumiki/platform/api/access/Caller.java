package org.kumiki.platform.api.access;

import java.util.Objects;

/**
 * An authenticated caller: a name (the token's or key's name, never the secret), a role and the
 * channel it came through ({@link #SSH}, {@link #REST}, {@link #CONSOLE}, {@link #LOCAL}).
 */
public final class Caller {

    public static final String SSH = "ssh";
    public static final String REST = "rest";
    public static final String CONSOLE = "console";
    /** The container's own terminal or a start-up script: whoever started the JVM. */
    public static final String LOCAL = "local";

    private final String name;
    private final Role role;
    private final String channel;

    public Caller(String name, Role role, String channel) {
        this.name = Objects.requireNonNull(name, "name");
        this.role = Objects.requireNonNull(role, "role");
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** The local terminal's caller: admin. */
    public static Caller local() {
        return new Caller(System.getProperty("user.name", "local"), Role.ADMIN, LOCAL);
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    public String channel() {
        return channel;
    }

    /** True when this caller's role includes {@code needed}. */
    public boolean allows(Role needed) {
        return role.allows(needed);
    }

    @Override
    public String toString() {
        return name + " (" + role.label() + ", " + channel + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller c && c.name.equals(name) && c.role == role && c.channel.equals(channel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, role, channel);
    }
}
