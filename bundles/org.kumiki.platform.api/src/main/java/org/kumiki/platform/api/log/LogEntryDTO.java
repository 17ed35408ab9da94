package org.kumiki.platform.api.log;

import org.osgi.dto.DTO;

/** One log entry. */
public class LogEntryDTO extends DTO {
    /** Sequence number: increases by one per entry kept since the container started (from 1). */
    public long seq;
    /** When it was logged, epoch milliseconds. */
    public long time;
    /** {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}. */
    public String level;
    /** The logger's name. */
    public String logger;
    /** The thread that logged it. */
    public String thread;
    /** The formatted message (cut at {@link LogAccess#MAX_MESSAGE_CHARS}). */
    public String message;
    /** The stack trace as text, or null (cut at {@link LogAccess#MAX_THROWABLE_CHARS}). */
    public String throwable;
}
