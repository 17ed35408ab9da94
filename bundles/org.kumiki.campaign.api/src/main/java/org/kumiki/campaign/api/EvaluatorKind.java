package org.kumiki.campaign.api;

/**
 * What an evaluator spends, for the campaign budget's {@code experiments} and {@code simulations}
 * counts: an evaluation that reaches a step whose evaluator is of a kind counts once against it.
 *
 * @since 1.2
 */
public enum EvaluatorKind {
    /** Spends a physical experiment: instruments, robots, samples (e.g. {@code lab}). */
    EXPERIMENT,
    /** Spends computing: a model, a simulation, a program (e.g. {@code simulation}, {@code command}, {@code quantum}). */
    SIMULATION,
    /** Counted against no budget but evaluations (e.g. {@code archive}, which moves data). */
    OTHER
}
