package org.kumiki.data.api;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Managed, asynchronous, verified and resumable transfers. A submitted task is durable before
 * {@link #submit} returns; after a restart of the container, unfinished tasks resume from
 * their completed chunks.
 */
@ProviderType
public interface TransferService {

    /**
     * Submits a transfer. With a {@link TransferRequest#clientSubmissionId} that was seen
     * before, returns the task created then instead of starting another (idempotent retry of
     * a submission). The same id with a different request (other items or options) is refused,
     * naming what differs; options left at their defaults are not compared.
     *
     * @throws TransferRejectedException for an invalid request, or a client submission id
     *         already used for a different request (nothing is recorded)
     */
    TransferTaskDTO submit(TransferRequest request);

    /** The task with this id, if known. */
    Optional<TransferTaskDTO> task(String id);

    /** Every known task, newest first. */
    List<TransferTaskDTO> tasks();

    /**
     * Cancels a task that is not over; its temporary files are removed and completed files
     * stay.
     *
     * @return the task as it is after the request, or empty for an unknown id
     */
    Optional<TransferTaskDTO> cancel(String id);

    /** Completes with the task's final record once it is over. */
    CompletionStage<TransferTaskDTO> await(String id);

    /** The endpoints now registered. */
    List<EndpointDTO> endpoints();

    /**
     * Lists a folder (or stats a file: a one-element list) through the endpoint for its
     * scheme.
     *
     * @throws TransferRejectedException for an unknown scheme or a hostile URI
     */
    List<EntryDTO> list(URI uri) throws IOException;
}
