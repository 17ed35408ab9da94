package org.kumiki.platform.api.assembly;

import java.util.Objects;

/**
 * A refused or failed assembly operation; the message is one line meant for the operator, the
 * {@link #reason() reason} says what kind of refusal it is. Callers that map refusals (to HTTP
 * statuses, exit codes) use the reason, never the message text, which may be reworded.
 */
public class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 2L;

    /** What kind of refusal an {@link AssemblyException} is. */
    public enum Reason {
        /** The request itself is malformed: a bad name, version range or repository location, nothing asked for. */
        BAD_INPUT,
        /** The named repository or deployment does not exist. */
        NOT_FOUND,
        /**
         * The request conflicts with what is installed or added: a repository already added, none
         * added yet, a bundle others need, one not installed or owned by the distribution, an
         * install, uninstall or rollback that could not be carried out.
         */
        CONFLICT,
        /** What was asked for cannot be resolved from the repositories, or a repository index is malformed. */
        UNRESOLVABLE,
        /** What was asked for needs {@code kumiki.hardware} this site does not have. */
        HARDWARE_UNMET,
        /** A jar's SHA-256 is not the one its repository index states. */
        TAMPERED,
        /** A repository (or a jar it lists) cannot be reached or read. */
        UNREACHABLE,
        /** The service cannot work: it has stopped, its journal is unusable, or the framework has no resolver. */
        UNAVAILABLE
    }

    private final Reason reason;

    /**
     * @param reason what kind of refusal this is, not null
     * @param message one line for the operator
     */
    public AssemblyException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param reason what kind of refusal this is, not null
     * @param message one line for the operator
     * @param cause what failed underneath
     */
    public AssemblyException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Kept for source compatibility: the reason is {@link Reason#UNRESOLVABLE}. Prefer
     * {@link #AssemblyException(Reason, String)}.
     */
    public AssemblyException(String message) {
        this(Reason.UNRESOLVABLE, message);
    }

    /**
     * Kept for source compatibility: the reason is {@link Reason#UNRESOLVABLE}. Prefer
     * {@link #AssemblyException(Reason, String, Throwable)}.
     */
    public AssemblyException(String message, Throwable cause) {
        this(Reason.UNRESOLVABLE, message, cause);
    }

    /** What kind of refusal this is; never null. */
    public Reason reason() {
        return reason;
    }
}
