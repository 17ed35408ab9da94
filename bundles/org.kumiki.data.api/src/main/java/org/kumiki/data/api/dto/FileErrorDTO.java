package org.kumiki.data.api.dto;

import org.osgi.dto.DTO;

/** A file that could not be transferred. */
public class FileErrorDTO extends DTO {
    public String source;
    public String destination;
    /** One line. */
    public String message;
    /** Attempts made. */
    public int attempts;
}
