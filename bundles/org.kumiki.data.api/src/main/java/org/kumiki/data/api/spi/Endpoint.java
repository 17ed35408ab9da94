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
 *
 * <p>{@link #stat} follows symbolic links, {@link #list} does not: a listed link is an
 * {@link EntryDTO#OTHER} entry of {@link EntryDTO#kind} {@link EntryDTO#SYMLINK}. Endpoints
 * tell devices, FIFOs and sockets apart through {@link EntryDTO#kind} where they can: the
 * engine refuses to write over, rename over or delete anything that is not a regular file
 * (or a folder where a folder is expected).
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

    /**
     * The target of a symbolic link as stored in it (not resolved), or null when the endpoint
     * does not support links.
     */
    default String readLink(URI link) throws IOException {
        return null;
    }

    /**
     * Creates a symbolic link at {@code link} pointing to {@code target} (stored as given); the
     * parent must exist, and nothing may be at {@code link} yet.
     *
     * @throws UnsupportedOperationException when the endpoint cannot create links
     */
    default void createLink(URI link, String target) throws IOException {
        throw new UnsupportedOperationException(description() + ": symbolic links are not supported");
    }

    /**
     * The URI of the same entry with every symbolic link on its path resolved (to detect link
     * loops), or null when the endpoint cannot resolve links.
     */
    default URI realPath(URI uri) throws IOException {
        return null;
    }

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
