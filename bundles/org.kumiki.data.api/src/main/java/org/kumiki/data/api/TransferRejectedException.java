package org.kumiki.data.api;

/** A request the service will not accept (bad URI, unknown scheme, hostile name, bad option). */
public class TransferRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransferRejectedException(String message) {
        super(message);
    }
}
