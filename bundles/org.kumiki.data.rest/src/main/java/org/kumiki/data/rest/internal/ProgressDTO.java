package org.kumiki.data.rest.internal;

/** A transfer's progress, as streamed by {@code /api/data/transfers/{id}/events}. */
public class ProgressDTO {
    public String id;
    public String state;
    public long filesTotal;
    public long filesDone;
    public long filesFailed;
    public long bytesTotal;
    public long bytesDone;
    public long bytesTransferred;
    /** Average rate since start, bytes per second. */
    public double rate;
    /** Rate over the last interval, bytes per second. */
    public double currentRate;
    /** Percentage of bytes done (0 to 100), when the total is known. */
    public Double percent;
}
