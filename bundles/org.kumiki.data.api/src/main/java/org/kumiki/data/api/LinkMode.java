package org.kumiki.data.api;

/**
 * What a recursive transfer does with a symbolic link found in a source folder (rsync's
 * choices). Whatever the mode, every link met is counted in the task's record.
 */
public enum LinkMode {
    /** Not copied; reported in {@code linksSkipped} and the task's notices (the default). */
    SKIP,
    /** Recreated at the destination pointing where the source link points (rsync {@code -l}). */
    COPY,
    /**
     * Replaced by what it points to: a file is copied, a folder walked (rsync {@code -L}); a
     * link to one of its own ancestors is refused (a loop) and a dangling link is an error.
     */
    FOLLOW
}
