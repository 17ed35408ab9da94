package org.kumiki.campaign.surrogate.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.internal.propose.GaussianProcess;
import org.kumiki.campaign.internal.propose.Space;
import org.kumiki.campaign.internal.propose.Surrogates;
import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.LoadedModel;

/**
 * A campaign's surrogate as a loaded model: input {@code x} FP64 {@code [-1, p]} (one row per
 * point, the raw parameter values in the campaign's order; an integer parameter a whole number,
 * a categorical one the 0-based index of its value), outputs {@code mean} and {@code std} FP64
 * {@code [-1]}: the posterior mean and standard deviation (latent, without noise) of the
 * proposer's Gaussian process. With one objective to maximise or minimise they are in that
 * objective's units, otherwise in the campaign's score (higher is better).
 */
final class GpModel implements LoadedModel {
    static final String INPUT = "x";
    static final String MEAN = "mean";
    static final String STD = "std";

    private final String name;
    private final List<ParameterDTO> parameters;
    private final Space space;
    private final GaussianProcess gp;
    /** Score to reported units: value = score * sign / weight. */
    private final double factor;
    private final String units;

    GpModel(String name, SurrogateDTO s) {
        this.name = name;
        this.gp = Surrogates.restore(s);
        this.parameters = List.copyOf(s.parameters);
        CampaignDefinition d = new CampaignDefinition();
        d.parameters = this.parameters;
        this.space = new Space(d);
        ObjectiveDTO single = s.objectives != null && s.objectives.size() == 1 ? s.objectives.get(0) : null;
        if (single != null && single.goal != Goal.TARGET && single.weight != 0 && Double.isFinite(single.weight)) {
            this.factor = (single.goal == Goal.MINIMISE ? -1 : 1) / single.weight;
            this.units = "objective " + single.name;
        } else {
            this.factor = 1;
            this.units = "score";
        }
    }

    /** What {@code mean} and {@code std} are in: {@code objective NAME} or {@code score}. */
    String units() {
        return units;
    }

    @Override
    public List<TensorMetadataDTO> inputs() {
        return List.of(meta(INPUT, new long[] {-1, parameters.size()}));
    }

    @Override
    public List<TensorMetadataDTO> outputs() {
        return List.of(meta(MEAN, new long[] {-1}), meta(STD, new long[] {-1}));
    }

    private static TensorMetadataDTO meta(String name, long[] shape) {
        TensorMetadataDTO t = new TensorMetadataDTO();
        t.name = name;
        t.datatype = DataType.FP64.name();
        t.shape = shape;
        return t;
    }

    @Override
    public String provider() {
        return "kumiki_gp";
    }

    @Override
    public Map<String, Tensor> execute(Map<String, Tensor> inputs, Set<String> outputs) {
        Tensor x = inputs.get(INPUT);
        int rows = (int) x.dim(0);
        int p = parameters.size();
        double[] v = x.doubles();
        double[] mean = new double[rows];
        double[] std = new double[rows];
        for (int i = 0; i < rows; i++) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (int j = 0; j < p; j++) {
                point.put(parameters.get(j).name, value(parameters.get(j), i, v[i * p + j]));
            }
            double[] ms = gp.predict(space.encode(point));
            mean[i] = ms[0] * factor;
            std[i] = ms[1] * Math.abs(factor);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(MEAN, Tensor.ofDoubles(MEAN, new long[] {rows}, mean));
        out.put(STD, Tensor.ofDoubles(STD, new long[] {rows}, std));
        return out;
    }

    /** One raw value as the campaign's point holds it, or INVALID_ARGUMENT with one line. */
    private Object value(ParameterDTO p, int row, double v) {
        String where = "input '" + INPUT + "' row " + row + " (" + p.name + ")";
        if (!Double.isFinite(v)) {
            throw invalid(where + " is " + v + "; model '" + name + "' needs finite numbers");
        }
        switch (p.type) {
            case CONTINUOUS:
                if (v < p.min || v > p.max) {
                    throw invalid(where + " = " + fmt(v) + " is outside [" + fmt(p.min) + ", " + fmt(p.max) + "]");
                }
                return v;
            case INTEGER:
                if (v != Math.rint(v) || v < p.min || v > p.max) {
                    throw invalid(where + " = " + fmt(v) + " must be a whole number in [" + fmt(p.min) + ", " + fmt(p.max) + "]");
                }
                return (long) v;
            default:
                if (v != Math.rint(v) || v < 0 || v >= p.values.size()) {
                    throw invalid(where + " = " + fmt(v) + " must be the index (0 to " + (p.values.size() - 1) + ") of one of " + p.values);
                }
                return p.values.get((int) v);
        }
    }

    private static InferenceException invalid(String message) {
        return new InferenceException(Kind.INVALID_ARGUMENT, message);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public void close() {
        // nothing native
    }
}
