package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.SobolSequenceGenerator;
import org.hipparchus.random.Well19937c;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.EvaluationDTO;

/** Model-free designs: Sobol (randomly shifted by the campaign's seed), uniform random and full grids. */
final class Designs {
    private Designs() {
    }

    /**
     * The feasible points number {@code from} to {@code from + count - 1} of the campaign's
     * shifted Sobol sequence, skipping points already in {@code exclude}.
     */
    static List<Map<String, Object>> sobol(Space space, long campaignSeed, int from, int count, List<Map<String, Object>> exclude) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (count <= 0) {
            return out;
        }
        int n = space.parameters().size();
        SobolSequenceGenerator gen = new SobolSequenceGenerator(n);
        RandomGenerator r = new Well19937c(campaignSeed ^ 0x5DEECE66DL);
        double[] shift = new double[n];
        for (int i = 0; i < n; i++) {
            shift[i] = r.nextDouble();
        }
        long discrete = space.discreteSize();
        long maxTries = 10_000L + 1_000L * (from + count);
        int feasibleIndex = 0;
        double[] w = new double[n];
        for (long t = 0; t < maxTries && out.size() < count; t++) {
            double[] v = gen.nextVector();
            for (int i = 0; i < n; i++) {
                double s = v[i] + shift[i];
                w[i] = s - Math.floor(s);
            }
            Map<String, Object> p = space.fromUnitPerParameter(w);
            if (!space.feasible(p)) {
                continue;
            }
            int index = feasibleIndex++;
            if (index < from) {
                continue;
            }
            if (discrete != Long.MAX_VALUE && (space.containsSame(exclude, p) || space.containsSame(out, p))) {
                continue;
            }
            out.add(p);
        }
        return out;
    }

    /** Uniform random feasible points, new ones only in a discrete space. */
    static List<Map<String, Object>> random(Space space, long seed, int count, List<Map<String, Object>> exclude) {
        List<Map<String, Object>> out = new ArrayList<>();
        RandomGenerator rng = new Well19937c(seed);
        long discrete = space.discreteSize();
        long maxTries = 100_000L + 10_000L * count;
        for (long t = 0; t < maxTries && out.size() < count; t++) {
            Map<String, Object> p = space.uniform(rng);
            if (!space.feasible(p)) {
                continue;
            }
            if (discrete != Long.MAX_VALUE && (space.containsSame(exclude, p) || space.containsSame(out, p))) {
                continue;
            }
            out.add(p);
        }
        return out;
    }

    /** Points {@code from} to {@code from + count - 1} of the feasible full grid, in lexicographic order. */
    static List<Map<String, Object>> grid(Space space, int levels, int from, int count) {
        List<ParameterDTO> ps = space.parameters();
        List<List<Object>> axes = new ArrayList<>();
        for (ParameterDTO p : ps) {
            List<Object> axis = new ArrayList<>();
            if (p.type == ParameterType.CATEGORICAL) {
                axis.addAll(p.values);
            } else if (p.type == ParameterType.INTEGER) {
                long span = (long) (p.max - p.min);
                if (span + 1 <= levels) {
                    for (long v = (long) p.min; v <= (long) p.max; v++) {
                        axis.add(v);
                    }
                } else {
                    long last = Long.MIN_VALUE;
                    for (int i = 0; i < levels; i++) {
                        long v = Math.round(p.min + (p.max - p.min) * i / (levels - 1.0));
                        if (v != last) {
                            axis.add(v);
                            last = v;
                        }
                    }
                }
            } else {
                for (int i = 0; i < levels; i++) {
                    axis.add(p.min + (p.max - p.min) * i / (levels - 1.0));
                }
            }
            axes.add(axis);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int[] idx = new int[ps.size()];
        int feasibleIndex = 0;
        long enumerated = 0;
        while (out.size() < count && enumerated++ < 10_000_000L) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (int i = 0; i < ps.size(); i++) {
                p.put(ps.get(i).name, axes.get(i).get(idx[i]));
            }
            if (space.feasible(p) && feasibleIndex++ >= from) {
                out.add(p);
            }
            int k = ps.size() - 1;
            while (k >= 0 && ++idx[k] == axes.get(k).size()) {
                idx[k] = 0;
                k--;
            }
            if (k < 0) {
                break;
            }
        }
        return out;
    }

    static List<Map<String, Object>> points(List<EvaluationDTO> evaluations) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EvaluationDTO e : evaluations) {
            out.add(e.point);
        }
        return out;
    }

    static int defaultInitialPoints(CampaignDefinition d) {
        return d.proposer.initialPoints > 0 ? d.proposer.initialPoints : Math.max(5, 2 * d.parameters.size() + 1);
    }
}
