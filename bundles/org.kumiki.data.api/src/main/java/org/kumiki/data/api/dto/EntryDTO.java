package org.kumiki.data.api.dto;

import org.osgi.dto.DTO;

/** A file or folder at an endpoint. */
public class EntryDTO extends DTO {
    public static final String FILE = "file";
    public static final String DIRECTORY = "dir";
    public static final String OTHER = "other";

    /** The last path segment. */
    public String name;
    /** The full URI. */
    public String uri;
    /** {@link #FILE}, {@link #DIRECTORY} or {@link #OTHER} (links, devices: never copied). */
    public String type;
    /** Size in bytes (files), -1 when unknown. */
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
}
