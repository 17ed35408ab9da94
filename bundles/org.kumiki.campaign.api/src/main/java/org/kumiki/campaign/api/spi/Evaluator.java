package org.kumiki.campaign.api.spi;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.kumiki.campaign.api.EvaluatorKind;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
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

    /**
     * Starts several evaluations at once (the engine calls it when it starts more than one
     * evaluation on this evaluator in one decision, e.g. a batch or a grid), so an evaluator on
     * the scheduler can submit them together ({@code Scheduler.submitAll}). All or nothing: it
     * returns one handle per request, in order, or throws and none has started. The default
     * starts them one by one with {@link #start} (and cancels those started when one fails).
     *
     * @since 1.1
     */
    default List<String> startAll(List<EvaluationRequest> requests) throws Exception {
        List<String> handles = new java.util.ArrayList<>();
        try {
            for (EvaluationRequest r : requests) {
                handles.add(start(r));
            }
        } catch (Exception e) {
            for (String h : handles) {
                cancel(h);
            }
            throw e;
        }
        return handles;
    }

    /**
     * Checks a step's options when a campaign is read or started (before anything runs), so a
     * mistake (an unknown device, a missing option) is reported at once, as
     * {@code file:line:col: message} where the file reader knows the option's position.
     *
     * @param definition the campaign (parameters, objectives) the step belongs to
     * @param step the step, with the options as written
     * @return the problems, one line each, empty when the options are fine (the default)
     * @since 1.1
     */
    default List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        return List.of();
    }

    /**
     * What this evaluator spends, for the budget's {@code experiments} and {@code simulations}
     * counts. The default, {@link EvaluatorKind#OTHER}, counts against neither.
     *
     * @since 1.2
     */
    default EvaluatorKind kind() {
        return EvaluatorKind.OTHER;
    }
}
