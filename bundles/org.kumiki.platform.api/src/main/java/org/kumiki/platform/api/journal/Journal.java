package org.kumiki.platform.api.journal;

import java.io.IOException;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An append-only log of keyed records. The latest {@link #put} of a key wins; {@link #remove}
 * deletes it. Appends are buffered; {@link #sync()} makes everything appended so far durable
 * (concurrent callers share one fsync), and a background flusher syncs at least every
 * configured interval. After a crash, {@link JournalFactory#open} replays every record that
 * reached the disk intact and drops a torn tail; a damaged record in the middle costs that
 * record only (see {@link JournalFactory}).
 */
@ProviderType
public interface Journal extends AutoCloseable {

    /** Appends (or replaces) the record of a key. Thread-safe. */
    void put(String key, byte[] value);

    /** Appends a deletion of a key. */
    void remove(String key);

    /**
     * Hands every append made before this call to the operating system, without waiting for
     * the disk: the records survive the process being killed ({@code kill -9}), not a power
     * loss or kernel crash. Costs a system call, not an fsync.
     *
     * @since 1.1
     */
    void flush() throws IOException;

    /** Blocks until every append made before this call is on disk. */
    void sync() throws IOException;

    /**
     * Rewrites the log to hold exactly {@code live} (atomically: a crash leaves either the old
     * or the new log), typically right after opening, when the log has grown well beyond its
     * live records.
     */
    void compact(Map<String, byte[]> live) throws IOException;

    /** Bytes in the log file now. */
    long sizeBytes();

    /** Syncs and closes. */
    @Override
    void close() throws IOException;
}
