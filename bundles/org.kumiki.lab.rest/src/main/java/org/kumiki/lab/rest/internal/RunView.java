package org.kumiki.lab.rest.internal;

import java.util.Map;

import org.kumiki.lab.api.dto.RunSummaryDTO;

/**
 * A run as {@code /api/lab/runs} shows it: {@link RunSummaryDTO} with the status as Bluesky's
 * lower-case exit status word ({@code running}, {@code success}, {@code abort}, {@code fail},
 * {@code incomplete}), as the documents carry it.
 */
public class RunView {
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

    static RunView of(RunSummaryDTO s) {
        RunView v = new RunView();
        v.uid = s.uid;
        v.planName = s.planName;
        v.scanId = s.scanId;
        v.startTime = s.startTime;
        v.stopTime = s.stopTime;
        v.status = s.status == null ? null : s.status.exitStatus();
        v.reason = s.reason;
        v.numEvents = s.numEvents;
        v.documents = s.documents;
        return v;
    }
}
