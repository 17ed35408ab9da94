package org.kumiki.scheduler.rest.internal;

import java.util.List;

/** The last lines of a task's standard output or error. */
public class TaskOutputDTO {
    public String id;
    /** {@code stdout} or {@code stderr}. */
    public String stream;
    /** The file the lines come from. */
    public String path;
    /** File size in bytes. */
    public long size;
    /** The last lines, oldest first. */
    public List<String> lines;
    /** True when the file has more than the lines returned. */
    public boolean truncated;
}
