package org.kumiki.simulation.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.simulation.api.SimulationService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The evaluator of sweep points ({@code campaign.evaluator=simulation.sweep}): what makes a
 * point (validate it, build its scheduler task, decode its result) lives in {@link Sweeps} of
 * this bundle's simulation service. A separate component because {@link Evaluator#cancel} and
 * {@link SimulationService#cancel} cannot share one class.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + Sweeps.EVALUATOR)
public class SweepEvaluator implements Evaluator {
    private final Sweeps sweeps;

    @Activate
    public SweepEvaluator(@Reference(target = "(component.name=org.kumiki.simulation.internal.SimulationServiceImpl)") SimulationService service) {
        this.sweeps = ((SimulationServiceImpl) service).sweepManager();
    }

    @Override
    public String start(EvaluationRequest request) throws Exception {
        return sweeps.start(request);
    }

    @Override
    public List<String> startAll(List<EvaluationRequest> requests) throws Exception {
        return sweeps.startAll(requests);
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        return sweeps.result(handle);
    }

    @Override
    public void cancel(String handle) {
        sweeps.cancel(handle);
    }
}
