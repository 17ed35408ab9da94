package org.kumiki.data.api;

/**
 * When a file that already exists at the destination is copied again (Globus sync levels).
 * A file missing at the destination is always copied.
 */
public enum SyncLevel {
    /** Always copy. */
    NONE,
    /** Skip when the destination exists. */
    EXISTS,
    /** Skip when the destination has the source's size. */
    SIZE,
    /** Skip when size matches and the destination is not older than the source (to the second). */
    MTIME,
    /** Skip when size and content checksum match (reads both sides). */
    CHECKSUM
}
