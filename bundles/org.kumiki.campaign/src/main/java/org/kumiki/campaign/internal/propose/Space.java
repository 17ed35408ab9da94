package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.hipparchus.random.RandomGenerator;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ConstraintDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;

/**
 * A campaign's search space and its encoding into the unit cube the models work in: a
 * continuous parameter is one coordinate scaled to [0, 1], an integer one coordinate whose
 * cells round to the whole numbers, a categorical parameter one coordinate per value (one-hot;
 * the largest wins).
 */
public final class Space {
    static final double TOLERANCE = 1e-9;

    private final List<ParameterDTO> parameters;
    private final List<ConstraintDTO> constraints;
    private final int[] offset;
    private final int dims;

    public Space(CampaignDefinition d) {
        this.parameters = d.parameters;
        this.constraints = d.constraints;
        this.offset = new int[parameters.size()];
        int o = 0;
        for (int i = 0; i < parameters.size(); i++) {
            offset[i] = o;
            o += parameters.get(i).type == ParameterType.CATEGORICAL ? parameters.get(i).values.size() : 1;
        }
        this.dims = o;
    }

    /** Coordinates of the encoding. */
    public int dims() {
        return dims;
    }

    public List<ParameterDTO> parameters() {
        return parameters;
    }

    public double[] encode(Map<String, Object> point) {
        double[] u = new double[dims];
        for (int i = 0; i < parameters.size(); i++) {
            ParameterDTO p = parameters.get(i);
            Object v = point.get(p.name);
            switch (p.type) {
                case CONTINUOUS:
                    u[offset[i]] = (((Number) v).doubleValue() - p.min) / (p.max - p.min);
                    break;
                case INTEGER: {
                    double cells = p.max - p.min + 1;
                    u[offset[i]] = (((Number) v).doubleValue() - p.min + 0.5) / cells;
                    break;
                }
                default:
                    u[offset[i] + Math.max(0, p.values.indexOf(String.valueOf(v)))] = 1;
            }
        }
        return u;
    }

    /** The point an encoding stands for (integers rounded, the largest one-hot coordinate chosen). */
    public Map<String, Object> decode(double[] u) {
        Map<String, Object> point = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            ParameterDTO p = parameters.get(i);
            switch (p.type) {
                case CONTINUOUS:
                    point.put(p.name, p.min + clamp(u[offset[i]]) * (p.max - p.min));
                    break;
                case INTEGER: {
                    double cells = p.max - p.min + 1;
                    point.put(p.name, (long) Math.min(p.max, p.min + Math.floor(clamp(u[offset[i]]) * cells)));
                    break;
                }
                default: {
                    int best = 0;
                    for (int k = 1; k < p.values.size(); k++) {
                        if (u[offset[i] + k] > u[offset[i] + best]) {
                            best = k;
                        }
                    }
                    point.put(p.name, p.values.get(best));
                }
            }
        }
        return point;
    }

    /** Maps one coordinate per parameter in [0, 1) (e.g. a Sobol point) to a point. */
    public Map<String, Object> fromUnitPerParameter(double[] w) {
        double[] u = new double[dims];
        for (int i = 0; i < parameters.size(); i++) {
            ParameterDTO p = parameters.get(i);
            if (p.type == ParameterType.CATEGORICAL) {
                int k = Math.min(p.values.size() - 1, (int) Math.floor(w[i] * p.values.size()));
                u[offset[i] + k] = 1;
            } else {
                u[offset[i]] = w[i];
            }
        }
        return decode(u);
    }

    /** A uniformly random point (not checked against the constraints). */
    public Map<String, Object> uniform(RandomGenerator rng) {
        double[] w = new double[parameters.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextDouble();
        }
        return fromUnitPerParameter(w);
    }

    /** Whether a point satisfies every constraint (within 1e-9, scaled). */
    public boolean feasible(Map<String, Object> point) {
        return violation(point) == 0;
    }

    /** How far a point is outside the constraints (0 inside). */
    public double violation(Map<String, Object> point) {
        double total = 0;
        for (ConstraintDTO c : constraints) {
            double lhs = 0;
            double scale = Math.abs(c.rhs);
            for (Map.Entry<String, Double> e : c.coefficients.entrySet()) {
                double term = e.getValue() * ((Number) point.get(e.getKey())).doubleValue();
                lhs += term;
                scale = Math.max(scale, Math.abs(term));
            }
            double tol = TOLERANCE * Math.max(1, scale);
            double over = switch (c.relation) {
                case LE -> lhs - c.rhs;
                case GE -> c.rhs - lhs;
                case EQ -> Math.abs(lhs - c.rhs);
            };
            if (over > tol) {
                total += over;
            }
        }
        return total;
    }

    /** True when two points are the same (continuous values within 1e-9 of the range). */
    public boolean same(Map<String, Object> a, Map<String, Object> b) {
        for (ParameterDTO p : parameters) {
            Object x = a.get(p.name);
            Object y = b.get(p.name);
            if (p.type == ParameterType.CONTINUOUS) {
                if (Math.abs(((Number) x).doubleValue() - ((Number) y).doubleValue()) > 1e-9 * (p.max - p.min)) {
                    return false;
                }
            } else if (!String.valueOf(x).equals(String.valueOf(y))) {
                return false;
            }
        }
        return true;
    }

    boolean containsSame(List<Map<String, Object>> points, Map<String, Object> p) {
        for (Map<String, Object> q : points) {
            if (same(q, p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the space has only finitely many points (no continuous parameter), and how many (capped). */
    long discreteSize() {
        long n = 1;
        for (ParameterDTO p : parameters) {
            if (p.type == ParameterType.CONTINUOUS) {
                return Long.MAX_VALUE;
            }
            long k = p.type == ParameterType.INTEGER ? (long) (p.max - p.min + 1) : p.values.size();
            n = Math.multiplyHigh(n, k) != 0 || n * k < 0 ? Long.MAX_VALUE : n * k;
            if (n == Long.MAX_VALUE) {
                return n;
            }
        }
        return n;
    }

    static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /** Points as a list copy with plain values. */
    static List<Map<String, Object>> copy(List<Map<String, Object>> points) {
        return new ArrayList<>(points);
    }
}
