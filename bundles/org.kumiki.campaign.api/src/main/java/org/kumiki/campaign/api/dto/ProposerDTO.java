package org.kumiki.campaign.api.dto;

/** Which proposer chooses the points, and how. */
public class ProposerDTO {
    /** Built in: {@code bayesian} (default), {@code sobol}, {@code random}, {@code grid}; or a Proposer service's name. */
    public String kind = "bayesian";
    /** Space-filling (Sobol) points before the model takes over; 0 for the default (2 x dimensions + 1, at least 5). */
    public int initialPoints;
    /** {@code kriging-believer} (default) or {@code constant-liar}: how a batch is filled. */
    public String batchStrategy = "kriging-believer";
    /** Grid: points per continuous dimension. */
    public int gridPoints = 5;
}
