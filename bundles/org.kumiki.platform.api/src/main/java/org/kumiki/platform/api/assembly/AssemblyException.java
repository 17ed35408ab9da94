package org.kumiki.platform.api.assembly;

/** A refused or failed assembly operation; the message is one line meant for the operator. */
public class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AssemblyException(String message) {
        super(message);
    }

    public AssemblyException(String message, Throwable cause) {
        super(message, cause);
    }
}
