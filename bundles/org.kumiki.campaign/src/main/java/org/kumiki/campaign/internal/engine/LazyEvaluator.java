package org.kumiki.campaign.internal.engine;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.kumiki.campaign.api.EvaluatorKind;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;

/**
 * An evaluator service fetched on its first use, not when it is registered: the campaign service
 * starts with the container (to resume campaigns), and binding every evaluator at once would
 * activate each of them and the domain services they use (the lab engine, the quantum backends,
 * the simulation service) on every start-up, campaign or not.
 */
public final class LazyEvaluator implements Evaluator {
    private final Supplier<Evaluator> service;
    private volatile Evaluator delegate;

    public LazyEvaluator(Supplier<Evaluator> service) {
        this.service = service;
    }

    /** The service object, fetched now if it was not yet. */
    public Evaluator delegate() {
        Evaluator d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    d = service.get();
                    if (d == null) {
                        throw new IllegalStateException("the evaluator service is gone");
                    }
                    delegate = d;
                }
            }
        }
        return d;
    }

    /** Hands the service object back if it was fetched (the service is going away). */
    public void release(java.util.function.Consumer<Evaluator> unget) {
        Evaluator d;
        synchronized (this) {
            d = delegate;
            delegate = null;
        }
        if (d != null) {
            try {
                unget.accept(d);
            } catch (RuntimeException e) {
                // the service is already gone
            }
        }
    }

    /** The class that implements the evaluator (for provenance: its bundle). */
    static Class<?> implementation(Evaluator e) {
        return e instanceof LazyEvaluator ? ((LazyEvaluator) e).delegate().getClass() : e.getClass();
    }

    @Override
    public String start(EvaluationRequest request) throws Exception {
        return delegate().start(request);
    }

    @Override
    public List<String> startAll(List<EvaluationRequest> requests) throws Exception {
        return delegate().startAll(requests);
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        return delegate().result(handle);
    }

    @Override
    public void cancel(String handle) {
        delegate().cancel(handle);
    }

    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        return delegate().validate(definition, step);
    }

    @Override
    public EvaluatorKind kind() {
        return delegate().kind();
    }
}
