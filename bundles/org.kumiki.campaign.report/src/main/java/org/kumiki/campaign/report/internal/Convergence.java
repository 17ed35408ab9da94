package org.kumiki.campaign.report.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;

/**
 * Best so far against evaluations: the completed evaluations in the order they ended, each
 * with its value and the best value up to it. With one objective the value is the objective
 * (the largest for MAXIMISE, the smallest for MINIMISE, the distance to the target for TARGET);
 * with several it is the campaign's combined score (higher is better).
 */
final class Convergence {
    /** What the y axis shows. */
    final String axis;
    /** [n, value] and [n, best so far], n from 1. */
    final List<double[]> values = new ArrayList<>();
    final List<double[]> best = new ArrayList<>();
    /** The evaluations plotted, in the same order. */
    final List<EvaluationDTO> order = new ArrayList<>();
    final boolean higherIsBetter;

    private Convergence(String axis, boolean higherIsBetter) {
        this.axis = axis;
        this.higherIsBetter = higherIsBetter;
    }

    /** Reads {@code evaluations} as {@code definition} scores them. */
    static Convergence of(CampaignDefinition definition, List<EvaluationDTO> evaluations) {
        List<ObjectiveDTO> objectives = definition == null ? List.of() : definition.objectives;
        ObjectiveDTO only = objectives.size() == 1 ? objectives.get(0) : null;
        Convergence c;
        if (only == null) {
            c = new Convergence("score (higher is better)", true);
        } else if (only.goal == Goal.TARGET) {
            c = new Convergence("|" + only.name + " - " + only.target + "|", false);
        } else {
            c = new Convergence(only.name + (only.unit == null ? "" : " (" + only.unit + ")"), only.goal == Goal.MAXIMISE);
        }
        List<EvaluationDTO> done = new ArrayList<>();
        for (EvaluationDTO e : evaluations) {
            if (e.state == EvaluationState.COMPLETED && c.value(only, e) != null) {
                done.add(e);
            }
        }
        done.sort(Comparator.comparingLong((EvaluationDTO e) -> e.endedAt).thenComparingInt(e -> e.index));
        double best = Double.NaN;
        int n = 0;
        for (EvaluationDTO e : done) {
            double v = c.value(only, e);
            n++;
            if (Double.isNaN(best) || (c.higherIsBetter ? v > best : v < best)) {
                best = v;
            }
            c.order.add(e);
            c.values.add(new double[] {n, v});
            c.best.add(new double[] {n, best});
        }
        return c;
    }

    /** The value plotted for an evaluation, or null when it has none. */
    private Double value(ObjectiveDTO only, EvaluationDTO e) {
        Double v;
        if (only == null) {
            v = e.score;
        } else {
            v = e.objectives == null ? null : e.objectives.get(only.name);
            if (v != null && only.goal == Goal.TARGET) {
                v = Math.abs(v - only.target);
            }
        }
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
