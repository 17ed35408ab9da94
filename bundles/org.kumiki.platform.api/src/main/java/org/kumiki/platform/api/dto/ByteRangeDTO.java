package org.kumiki.platform.api.dto;

import org.osgi.dto.DTO;

/**
 * A range of bytes in a file: {@code start} inclusive, {@code end} exclusive.
 *
 * @since 1.1
 */
public class ByteRangeDTO extends DTO {
    public long start;
    public long end;
}
