package org.kumiki.lab.api.dto;

import java.util.Map;

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
    /** running, success, abort, fail or incomplete (no stop document: the container died mid-run). */
    public String status;
    public String reason;
    /** Events per stream, as in the stop document. */
    public Map<String, Long> numEvents;
    /** Documents persisted. */
    public long documents;
}
