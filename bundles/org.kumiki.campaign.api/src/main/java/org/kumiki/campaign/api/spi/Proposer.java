package org.kumiki.campaign.api.spi;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses the next points of a campaign: a whiteboard service named by {@link #NAME}, which a
 * campaign file's {@code proposer.kind} refers to. Proposers are pure functions of their request
 * (no state of their own), so a campaign resumed after a restart proposes what it would have.
 */
@ConsumerType
public interface Proposer {

    /** Service property (String): the proposer's name. */
    String NAME = "campaign.proposer";

    /**
     * Proposes {@code request.count} points (fewer when the space is exhausted), each a map of
     * parameter name to value (Double, Long or String) inside the bounds and constraints.
     */
    List<Map<String, Object>> propose(ProposalRequest request);
}
