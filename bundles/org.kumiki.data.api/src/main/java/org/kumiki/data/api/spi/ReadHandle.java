package org.kumiki.data.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

import org.osgi.annotation.versioning.ConsumerType;

/** An open source file. Thread-safe: parallel streams read different ranges at once. */
@ConsumerType
public interface ReadHandle extends Closeable {

    /**
     * A channel over {@code length} bytes from {@code offset}. Reading past the range returns
     * -1. Throws {@link SourceChangedException} when the endpoint sees that the file changed
     * since it was opened (e.g. an HTTP ETag).
     */
    ReadableByteChannel range(long offset, long length) throws IOException;

    /**
     * Copies a range straight into {@code target} without passing through the caller (zero
     * copy), if both handles allow it. Returns the bytes copied, or -1 when unsupported (the
     * caller then reads and writes itself).
     */
    default long transferTo(long offset, long length, WriteHandle target, long targetOffset) throws IOException {
        return -1;
    }
}
