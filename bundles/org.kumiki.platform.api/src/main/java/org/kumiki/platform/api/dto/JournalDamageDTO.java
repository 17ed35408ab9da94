package org.kumiki.platform.api.dto;

import java.util.List;

import org.osgi.dto.DTO;

/**
 * Damage a journal replay found: frames that failed their checks and were dropped. Every other
 * record of the file was replayed.
 *
 * @since 1.1
 */
public class JournalDamageDTO extends DTO {
    /** The journal file (absolute path). */
    public String file;
    /** When the damage was found, epoch milliseconds. */
    public long time;
    /** Size of the file as it was read. */
    public long fileBytes;
    /** Byte ranges dropped, in file order. */
    public List<ByteRangeDTO> dropped;
    /** Sum of the lengths of {@link #dropped}. */
    public long droppedBytes;
    /** Records (frames) that passed their checks, including ones a later record superseded. */
    public long recordsKept;
    /**
     * Only a torn tail was dropped (what a crash in the middle of an append leaves): nothing
     * readable followed it. The tail is cut and no copy is kept.
     */
    public boolean tornTail;
    /**
     * The copy of the damaged file kept for inspection before the journal was rewritten to its
     * good records; null when nothing was copied (a torn tail, or a read-only replay).
     */
    public String keptAside;
    /** Found by a read-only replay: the file was left as it is (its owner repairs it if it opens it for writing). */
    public boolean readOnly;
}
