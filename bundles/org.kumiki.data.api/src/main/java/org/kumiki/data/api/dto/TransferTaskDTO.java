package org.kumiki.data.api.dto;

import java.util.ArrayList;
import java.util.List;

import org.kumiki.data.api.TransferState;
import org.osgi.dto.DTO;

/** A transfer task as it is now. */
public class TransferTaskDTO extends DTO {
    /** Opaque id, {@code xfer-...}, stable across restarts. */
    public String id;
    public String label;
    public String clientSubmissionId;
    /** Its state; JSON writes the name. */
    public TransferState state;
    public TransferRequest request;
    /** Epoch milliseconds; 0 when not yet. */
    public long submittedAt;
    public long startedAt;
    public long finishedAt;
    /** Files found at the sources (known once the sources are listed). */
    public long filesTotal;
    public long filesDone;
    public long filesSkipped;
    public long filesFailed;
    /** Bytes of the files found, and of those done or skipped. */
    public long bytesTotal;
    public long bytesDone;
    /** Bytes actually sent (re-sent chunks count twice, reused chunks not at all). */
    public long bytesTransferred;
    /** Chunks kept from before a restart (not sent again). */
    public long chunksReused;
    /** Chunks sent again after a verification mismatch or a failed attempt. */
    public long chunksResent;
    /** Average rate since start, bytes per second. */
    public double rate;
    /** How many times the task was resumed after a restart of the service. */
    public int resumes;
    /** Symbolic links in source folders that were not copied ({@link org.kumiki.data.api.LinkMode#SKIP}). */
    public long linksSkipped;
    /** Devices, FIFOs and sockets in source folders: never copied. */
    public long specialsSkipped;
    /**
     * Entries left alone without failing the task (skipped links, special files), one line
     * each (at most 1000 kept); {@code attempts} is 0.
     */
    public List<FileErrorDTO> notices = new ArrayList<>();
    /** Per-file errors (at most 1000 kept). */
    public List<FileErrorDTO> errors = new ArrayList<>();
    /** A one-line summary of why the task failed, or null. */
    public String message;
}
