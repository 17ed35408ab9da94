package org.kumiki.lab.api.dto;

import java.util.Map;
import org.kumiki.lab.api.RunStatus;

/** One run in the store. */
public class RunSummaryDTO {
    public String uid;
    public String planName;
    /** The start document's scan_id (not globally unique). */
    public long scanId;
    /** Unix epoch seconds of the start document. */
    public double startTime;
    /** Unix epoch seconds of the stop document, 0 while running or when incomplete. */
    public double stopTime;
    /**
     * RUNNING, SUCCESS, ABORT, FAIL or INCOMPLETE (no stop document: the container died mid-run);
     * {@link RunStatus#exitStatus()} is Bluesky's lower-case word.
     */
    public RunStatus status;
    public String reason;
    /** Events per stream, as in the stop document. */
    public Map<String, Long> numEvents;
    /** Documents persisted. */
    public long documents;
}
