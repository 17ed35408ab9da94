package org.kumiki.platform.api.log;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The container's recent log, kept in memory (a ring of the last entries, 10,000 by default: the
 * ones that passed their logger's level since the service started), and its logger levels.
 * <p>
 * Following without a thread per follower: remember the {@link LogEntryDTO#seq} of the last entry
 * seen and ask {@link #entriesAfter} for what came after it, from a shared timer (a REST SSE
 * stream) or after {@link #awaitAfter} (a command's own thread). A gap in the sequence numbers
 * means the follower fell behind the ring.
 * <p>
 * Levels are names: {@link #LEVELS}, plus {@code OFF} for {@link #setLevel}. A bad one is an
 * {@link IllegalArgumentException} whose one-line message lists the valid ones.
 */
@ProviderType
public interface LogAccess {

    /** The levels, lowest first. */
    List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    /** The root logger's name. */
    String ROOT = "ROOT";

    /** Longest message kept per entry (characters); longer ones are cut with a note. */
    int MAX_MESSAGE_CHARS = 8192;

    /** Longest stack trace kept per entry (characters). */
    int MAX_THROWABLE_CHARS = 16384;

    /**
     * The last entries, oldest first.
     *
     * @param max at most this many (1 or more)
     * @param minLevel only entries at this level or above; null or empty for all
     * @param loggerPrefix only loggers whose name starts with this; null or empty for all
     */
    List<LogEntryDTO> tail(int max, String minLevel, String loggerPrefix);

    /**
     * Entries with a sequence number above {@code seq}, oldest first, filtered as {@link #tail}.
     * Never blocks.
     *
     * @param seq the last sequence number seen (0 for everything kept)
     * @param max at most this many, the oldest ones
     */
    List<LogEntryDTO> entriesAfter(long seq, int max, String minLevel, String loggerPrefix);

    /** The sequence number of the newest entry (0 when none yet). */
    long lastSeq();

    /**
     * Waits until an entry newer than {@code seq} exists or the time is up.
     *
     * @return {@link #lastSeq()} at return
     */
    long awaitAfter(long seq, long timeoutMillis) throws InterruptedException;

    /** Loggers whose level is set (not inherited): name to level, the root logger as {@link #ROOT}. */
    Map<String, String> levels();

    /** The level a logger logs at: its own, else the nearest ancestor's. */
    String effectiveLevel(String logger);

    /**
     * Sets a logger's level until the container stops.
     *
     * @param logger a logger name ({@link #ROOT} for the root logger)
     * @param level one of {@link #LEVELS} or {@code OFF}; null or {@code inherit} resets it to its parent's
     * @throws IllegalArgumentException (one line) for a bad logger name or level, or resetting the root logger
     */
    void setLevel(String logger, String level);
}
