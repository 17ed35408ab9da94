package org.kumiki.campaign.api.spi;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Evaluates points: a whiteboard service named by {@link #NAME} (e.g. {@code command},
 * {@code simulation}, {@code lab}). Evaluations are asynchronous and have a durable handle, so
 * the engine re-attaches to them after a restart instead of running them again.
 */
@ConsumerType
public interface Evaluator {

    /** Service property (String): the name a campaign step's {@code evaluator} refers to. */
    String NAME = "campaign.evaluator";

    /**
     * Starts evaluating a point and returns at once.
     *
     * @return a durable handle (e.g. a scheduler task id) that {@link #result} accepts, also
     *         after a restart of the framework
     * @throws Exception with a one-line message when the evaluation cannot start; the engine
     *         records it and applies the campaign's retry policy
     */
    String start(EvaluationRequest request) throws Exception;

    /**
     * The result of an evaluation started by {@link #start} (in this or an earlier life of the
     * framework). Completes exceptionally, with a one-line message, when the evaluation failed
     * or the handle is unknown.
     */
    CompletionStage<EvaluationResult> result(String handle);

    /** Stops an evaluation; unknown or ended handles are ignored. */
    void cancel(String handle);
}
