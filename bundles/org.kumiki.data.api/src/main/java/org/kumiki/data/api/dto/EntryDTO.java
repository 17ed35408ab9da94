package org.kumiki.data.api.dto;

import org.osgi.dto.DTO;

/** A file or folder at an endpoint. */
public class EntryDTO extends DTO {
    public static final String FILE = "file";
    public static final String DIRECTORY = "dir";
    public static final String OTHER = "other";

    /** {@link #kind} of a symbolic link (listed, not followed). */
    public static final String SYMLINK = "symlink";
    /** {@link #kind} of a named pipe. */
    public static final String FIFO = "fifo";
    /** {@link #kind} of a Unix domain socket. */
    public static final String SOCKET = "socket";
    /** {@link #kind} of a character device ({@code /dev/null}). */
    public static final String CHAR_DEVICE = "char-device";
    /** {@link #kind} of a block device. */
    public static final String BLOCK_DEVICE = "block-device";

    /** The last path segment. */
    public String name;
    /** The full URI. */
    public String uri;
    /** {@link #FILE}, {@link #DIRECTORY} or {@link #OTHER} (links, devices: never copied). */
    public String type;
    /**
     * What an {@link #OTHER} entry is: {@link #SYMLINK}, {@link #FIFO}, {@link #SOCKET},
     * {@link #CHAR_DEVICE}, {@link #BLOCK_DEVICE}, or null when the endpoint cannot tell (and
     * for files and folders). The engine never writes to, replaces or deletes such an entry.
     */
    public String kind;
    /**
     * Size in bytes (files), -1 when unknown. A {@link #FILE} of unknown size (a {@code /proc}
     * or {@code /sys} file, whose stat size is not its content's) is read to its end.
     */
    public long size = -1;
    /** Last modification, epoch milliseconds; 0 when unknown. */
    public long modified;
    /** A version tag that changes with the content (an HTTP ETag), or null. */
    public String version;

    public boolean isFile() {
        return FILE.equals(type);
    }

    public boolean isDirectory() {
        return DIRECTORY.equals(type);
    }

    public boolean isSymlink() {
        return SYMLINK.equals(kind);
    }
}
