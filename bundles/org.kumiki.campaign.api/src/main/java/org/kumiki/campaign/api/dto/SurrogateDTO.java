package org.kumiki.campaign.api.dto;

import java.util.ArrayList;
import java.util.List;

/**
 * A campaign's fitted surrogate, as the Bayesian proposer built it: a Gaussian process with a
 * Matérn 5/2 kernel on the campaign's score, over the parameters encoded in the unit cube
 * ({@link #ENCODING}: a continuous parameter is {@code (v - min) / (max - min)}, an integer
 * {@code (v - min + 0.5) / (max - min + 1)}, a categorical one coordinate per value, one-hot, in
 * the parameters' order). Everything needed to predict again: training inputs, targets, target
 * standardisation and hyperparameters.
 */
public class SurrogateDTO {
    /** The encoding this DTO describes. */
    public static final String ENCODING = "unit-cube/1";
    /** The kernel of {@link #kernel}. */
    public static final String MATERN52 = "matern52";

    public String campaignId;
    public String campaignName;
    /** Proposals recorded before the fit (increases with every refit of a campaign). */
    public int proposedSoFar;
    public String kernel = MATERN52;
    public String encoding = ENCODING;
    /** The campaign's parameters, in order: the encoding and the order of a raw input vector. */
    public List<ParameterDTO> parameters = new ArrayList<>();
    /** The objectives the score combines (higher score is better). */
    public List<ObjectiveDTO> objectives = new ArrayList<>();
    /** Encoded training inputs, one row per observation. */
    public double[][] inputs;
    /** The scores observed at {@link #inputs}. */
    public double[] targets;
    /** The model works on {@code (target - targetOffset) / targetScale}. */
    public double targetOffset;
    public double targetScale;
    /** One length scale per encoded coordinate. */
    public double[] lengthScales;
    /** Signal variance, in standardised target units. */
    public double signalVariance;
    /** Noise variance, in standardised target units. */
    public double noiseVariance;
    public double logMarginalLikelihood;
}
