package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.List;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.MaxIter;
import org.hipparchus.optim.linear.LinearConstraint;
import org.hipparchus.optim.linear.LinearConstraintSet;
import org.hipparchus.optim.linear.LinearObjectiveFunction;
import org.hipparchus.optim.linear.NonNegativeConstraint;
import org.hipparchus.optim.linear.Relationship;
import org.hipparchus.optim.linear.SimplexSolver;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ConstraintDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;

/** Whether a campaign's linear constraints can all hold inside its parameters' bounds (Hipparchus' simplex). */
public final class LinearFeasibility {
    private LinearFeasibility() {
    }

    /**
     * @return true when some point inside the bounds of the continuous and integer parameters
     *         satisfies every constraint (integers relaxed to reals); constraints must name only
     *         such parameters
     */
    public static boolean feasible(CampaignDefinition d) {
        if (d.constraints.isEmpty()) {
            return true;
        }
        List<String> names = new ArrayList<>();
        List<ParameterDTO> numeric = new ArrayList<>();
        for (ParameterDTO p : d.parameters) {
            if (p.type != ParameterType.CATEGORICAL) {
                names.add(p.name);
                numeric.add(p);
            }
        }
        int n = names.size();
        List<LinearConstraint> cs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] e = new double[n];
            e[i] = 1;
            cs.add(new LinearConstraint(e, Relationship.GEQ, numeric.get(i).min));
            cs.add(new LinearConstraint(e.clone(), Relationship.LEQ, numeric.get(i).max));
        }
        for (ConstraintDTO c : d.constraints) {
            double[] a = new double[n];
            c.coefficients.forEach((k, v) -> a[names.indexOf(k)] += v);
            Relationship r = switch (c.relation) {
                case LE -> Relationship.LEQ;
                case GE -> Relationship.GEQ;
                case EQ -> Relationship.EQ;
            };
            cs.add(new LinearConstraint(a, r, c.rhs));
        }
        try {
            new SimplexSolver().optimize(new MaxIter(10_000), new LinearObjectiveFunction(new double[n], 0),
                    new LinearConstraintSet(cs), GoalType.MINIMIZE, new NonNegativeConstraint(false));
            return true;
        } catch (MathIllegalStateException e) {
            // NoFeasibleSolution (or too many iterations: treat as infeasible, said so by the caller)
            return false;
        }
    }
}
