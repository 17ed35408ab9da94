package org.kumiki.inference.api;

/** Why an inference or repository call failed, with a one-line message meant for the caller. */
public class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** No such model or version. */
        NOT_FOUND,
        /** The request is wrong: names, datatypes, shapes, sizes. */
        INVALID_ARGUMENT,
        /** The model exists but is not ready (loading, failed, no engine for it). */
        UNAVAILABLE,
        /** The engine failed while running a valid request. */
        INTERNAL
    }

    private final Kind kind;

    public InferenceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public InferenceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
