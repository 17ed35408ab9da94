package org.kumiki.scheduler.rest.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/scheduler/batches}: tasks accepted together or not at all; a
 * dependency's {@code taskId} may be {@code #N} for the N-th task of the batch (from 0).
 */
public class BatchSubmission {
    /** 1 to 1000 tasks. */
    public List<TaskSubmission> tasks = new ArrayList<>();
}
