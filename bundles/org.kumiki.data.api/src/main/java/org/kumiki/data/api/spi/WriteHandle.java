package org.kumiki.data.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/** An open destination file written at offsets. Thread-safe for disjoint ranges. */
@ConsumerType
public interface WriteHandle extends Closeable {

    /** Writes all remaining bytes of {@code src} at {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    /**
     * Waits until every write made by the calling thread has reached the endpoint, so that a
     * read through {@link Endpoint#openRead} sees it (writes may be pipelined until then).
     */
    default void flush() throws IOException {
    }

    /**
     * A reader over this same file, to read back what was written without opening it again
     * (cheaper for many small files), or null when the endpoint has none: the engine then
     * reads back through {@link Endpoint#openRead}. The reader must read what the storage
     * holds, not a copy kept by the handle.
     */
    default ReadHandle reader() {
        return null;
    }

    /** Makes everything written durable. */
    void force() throws IOException;

    /** Cuts or extends the file to {@code size}. */
    void truncate(long size) throws IOException;
}
