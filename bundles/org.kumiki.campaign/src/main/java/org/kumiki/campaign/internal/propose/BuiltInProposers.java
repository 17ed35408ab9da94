package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;

/** The proposers every campaign can name: {@code sobol}, {@code random}, {@code grid}, {@code bayesian}. */
public final class BuiltInProposers {
    private BuiltInProposers() {
    }

    /** The built-in proposer of that name, or null. */
    public static Proposer get(String kind) {
        switch (kind) {
            case "sobol":
                return r -> Designs.sobol(new Space(r.definition), r.definition.seed, r.proposedSoFar, r.count, excluded(r));
            case "random":
                return r -> Designs.random(new Space(r.definition), r.seed, r.count, excluded(r));
            case "grid":
                return r -> Designs.grid(new Space(r.definition), r.definition.proposer.gridPoints, r.proposedSoFar, r.count);
            case "bayesian":
                return new BayesianProposer();
            default:
                return null;
        }
    }

    static List<Map<String, Object>> excluded(ProposalRequest r) {
        List<Map<String, Object>> out = new ArrayList<>(Designs.points(r.observations));
        out.addAll(r.pending);
        return out;
    }
}
