package org.kumiki.data.api.spi;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.dto.EntryDTO;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Storage reachable through URIs of some schemes. Register as a service with the property
 * {@link #SCHEME} (a String or String[]: {@code file}, {@code sftp}, {@code http}+{@code https},
 * later {@code s3}, {@code globus}); the transfer service tracks endpoints as they come and go.
 *
 * <p>The engine validates URIs before calling (no {@code ..} segments, no NUL, absolute paths)
 * and validates every name an endpoint lists. Endpoints raise
 * {@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException} and
 * {@link java.nio.file.FileSystemException} where they apply.
 */
@ConsumerType
public interface Endpoint {

    /** Service property: the URI schemes served. */
    String SCHEME = "kumiki.data.scheme";

    /** A few words about the endpoint. */
    String description();

    /** Whether files can be written (false: source only, like http). */
    boolean writable();

    /** The entry at {@code uri}, or null when nothing is there. */
    EntryDTO stat(URI uri) throws IOException;

    /** The entries of a folder (not recursive), names only one segment each. */
    List<EntryDTO> list(URI folder) throws IOException;

    /** Opens a file for ranged reads; {@code expected} (from {@link #stat}) lets the endpoint detect a change. */
    ReadHandle openRead(URI uri, EntryDTO expected) throws IOException;

    /** Opens (creating if missing, never truncating) a file for writes at offsets; parents must exist. */
    WriteHandle openWrite(URI uri) throws IOException;

    /** Creates a folder and its parents. */
    void mkdirs(URI folder) throws IOException;

    /** Renames atomically, replacing {@code to} if it exists. */
    void rename(URI from, URI to) throws IOException;

    /** Deletes a file (or an empty folder); nothing there is not an error. */
    void delete(URI uri) throws IOException;

    /** Sets the modification time (epoch ms) where supported. */
    default void setModified(URI uri, long millis) throws IOException {
    }

    /**
     * A checksum the endpoint computes itself (next to the data), or null when it has none
     * for this algorithm; the engine then reads the file back.
     */
    default String checksum(URI uri, ChecksumAlgorithm algorithm) throws IOException {
        return null;
    }

    /**
     * Makes a batch of files written through this endpoint durable at once (before they are
     * renamed to their final names). The default forces nothing, so endpoints with durable
     * writes need not override it.
     */
    default void syncAll(List<URI> files) throws IOException {
    }
}
