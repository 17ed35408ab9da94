package org.kumiki.data.api.dto;

import org.osgi.dto.DTO;

/** One source and its destination. */
public class TransferItem extends DTO {
    /** Source URI, e.g. {@code file:///data/run1}, {@code sftp://user@host:22/path}, {@code https://host/f}. */
    public String source;
    /** Destination URI: the file (or folder for a recursive item) to create. */
    public String destination;
    /** The source is a folder copied with everything below it. */
    public boolean recursive;

    public static TransferItem of(String source, String destination, boolean recursive) {
        TransferItem i = new TransferItem();
        i.source = source;
        i.destination = destination;
        i.recursive = recursive;
        return i;
    }
}
