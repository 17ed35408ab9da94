package org.kumiki.campaign.internal.propose;

import java.util.ArrayList;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.SurrogateDTO;

/**
 * Between a fitted {@link GaussianProcess} and the {@link SurrogateDTO} that carries it out of the
 * proposer (to be served, e.g. by the inference domain) and back.
 */
public final class Surrogates {
    private Surrogates() {
    }

    /** The DTO of a process fitted on a campaign's space (campaign id and name are left to the caller). */
    public static SurrogateDTO describe(CampaignDefinition definition, GaussianProcess gp) {
        SurrogateDTO s = new SurrogateDTO();
        s.campaignName = definition.name;
        s.parameters = new ArrayList<>(definition.parameters);
        s.objectives = new ArrayList<>(definition.objectives);
        double[][] x = gp.inputs();
        s.inputs = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            s.inputs[i] = x[i].clone();
        }
        s.targets = gp.targets().clone();
        s.targetOffset = gp.targetOffset();
        s.targetScale = gp.targetScale();
        s.lengthScales = gp.lengthScales();
        s.signalVariance = gp.signalVariance();
        s.noiseVariance = gp.noiseVariance();
        s.logMarginalLikelihood = gp.logMarginalLikelihood();
        return s;
    }

    /**
     * The process a DTO describes; predictions equal the original's.
     *
     * @throws IllegalArgumentException with a one-line reason for an unknown kernel or encoding,
     *         or inconsistent sizes
     */
    public static GaussianProcess restore(SurrogateDTO s) {
        if (!SurrogateDTO.MATERN52.equals(s.kernel)) {
            throw new IllegalArgumentException("unknown kernel '" + s.kernel + "'; this build knows " + SurrogateDTO.MATERN52);
        }
        if (!SurrogateDTO.ENCODING.equals(s.encoding)) {
            throw new IllegalArgumentException("unknown encoding '" + s.encoding + "'; this build knows " + SurrogateDTO.ENCODING);
        }
        if (s.parameters == null || s.parameters.isEmpty()) {
            throw new IllegalArgumentException("the surrogate names no parameters");
        }
        for (ParameterDTO p : s.parameters) {
            if (p == null || p.name == null || p.type == null) {
                throw new IllegalArgumentException("every parameter needs a name and a type");
            }
            if (p.type == ParameterType.CATEGORICAL ? p.values == null || p.values.isEmpty() : !(p.max >= p.min)) {
                throw new IllegalArgumentException("parameter '" + p.name + "' has no values or reversed bounds");
            }
        }
        CampaignDefinition d = new CampaignDefinition();
        d.parameters = s.parameters;
        int dims = new Space(d).dims();
        if (s.inputs != null && s.inputs.length > 0 && s.inputs[0] != null && s.inputs[0].length != dims) {
            throw new IllegalArgumentException("the parameters encode to " + dims + " coordinates but the inputs have " + s.inputs[0].length);
        }
        return GaussianProcess.restore(s.inputs, s.targets, s.targetOffset, s.targetScale, s.lengthScales, s.signalVariance,
                s.noiseVariance);
    }
}
