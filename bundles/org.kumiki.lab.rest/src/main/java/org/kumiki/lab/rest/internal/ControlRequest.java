package org.kumiki.lab.rest.internal;

/** Optional body of {@code POST .../abort} and {@code POST /api/lab/estop}. */
public class ControlRequest {
    /** Why; recorded in the stop document or the emergency stop. At most 500 characters. */
    public String reason;
}
