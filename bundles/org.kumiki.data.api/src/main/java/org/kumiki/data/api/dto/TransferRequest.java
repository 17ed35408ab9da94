package org.kumiki.data.api.dto;

import java.util.ArrayList;
import java.util.List;

import org.osgi.dto.DTO;

/** What to transfer and how. Zero or null fields take the service's defaults. */
public class TransferRequest extends DTO {
    public List<TransferItem> items = new ArrayList<>();
    /** A name for people; optional. */
    public String label;
    /**
     * A client-chosen id making {@link org.kumiki.data.api.TransferService#submit} idempotent;
     * optional; letters, digits, '-', '_', '.', ':' only, at most 128.
     */
    public String clientSubmissionId;
    /** {@link org.kumiki.data.api.SyncLevel} name; default NONE (always copy). */
    public String syncLevel;
    /** Verify each file end to end (destination read back and compared); default true. */
    public Boolean verify;
    /** {@link org.kumiki.data.api.ChecksumAlgorithm} name; default the service's (sha256). */
    public String checksum;
    /** Files in flight at once; 0 = default. */
    public int concurrency;
    /** Parallel streams within one large file; 0 = default. */
    public int parallelStreams;
    /** Chunk size in bytes (restart granularity); 0 = default. */
    public long chunkSize;
    /** Bytes per second for the whole task; 0 = unlimited. */
    public long bandwidthLimit;
    /** Delete destination files that the source folder does not have (recursive items). */
    public boolean deleteExtraneous;
    /** Attempts per file or chunk after the first; -1 = default. */
    public int retries = -1;
    /** Give copies the source's modification time; default true. */
    public Boolean preserveMtime;
    /**
     * {@link org.kumiki.data.api.LinkMode} name: what recursive items do with symbolic links
     * in a source folder; default SKIP.
     */
    public String links;
}
