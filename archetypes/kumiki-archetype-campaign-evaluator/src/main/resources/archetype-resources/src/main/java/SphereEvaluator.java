package ${package};

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.osgi.service.component.annotations.Component;

/**
 * A campaign evaluator: scores a point with the sphere function {@code y = sum (x_i - offset)^2}
 * over its numeric parameters (the step option {@code offset}, default 0). A campaign step
 * refers to it by {@code "evaluator": "sphere"}. An evaluation that takes time (a lab run, a
 * scheduler task) returns from {@link #start} at once with a durable handle (the task id) and
 * completes {@link #result} later; this one is instant, so its handle carries the value itself
 * and stays valid after a restart. Registered under {@code campaign.evaluator}
 * ({@link Evaluator#NAME}).
 */
@Component(property = Evaluator.NAME + "=" + SphereEvaluator.NAME)
public class SphereEvaluator implements Evaluator {
    static final String NAME = "sphere";
    static final String PREFIX = "sphere:";

    @Override
    public String start(EvaluationRequest request) {
        double offset = offset(request.options.get("offset"));
        double y = 0;
        for (Map.Entry<String, Object> e : request.point.entrySet()) {
            if (!(e.getValue() instanceof Number)) throw new IllegalArgumentException("parameter " + e.getKey() + " = '" + e.getValue() + "' is not a number");
            double d = ((Number) e.getValue()).doubleValue() - offset;
            y += d * d;
        }
        return PREFIX + y;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        try {
            if (handle == null || !handle.startsWith(PREFIX)) throw new IllegalArgumentException();
            double y = Double.parseDouble(handle.substring(PREFIX.length()));
            return CompletableFuture.completedFuture(EvaluationResult.of(Map.of("y", y)));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown handle '" + handle + "'"));
        }
    }

    @Override
    public void cancel(String handle) {
        // instant evaluations: nothing runs, nothing to stop
    }

    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        List<OptionProblem> problems = new ArrayList<>();
        try {
            offset(step.options.get("offset"));
        } catch (IllegalArgumentException e) {
            problems.add(OptionProblem.of(e.getMessage(), "offset"));
        }
        for (String key : step.options.keySet()) {
            if (!key.equals("offset")) problems.add(OptionProblem.of("unknown option (the sphere evaluator takes: offset)", key));
        }
        return problems;
    }

    static double offset(Object o) {
        if (o == null) return 0;
        if (!(o instanceof Number) || !Double.isFinite(((Number) o).doubleValue())) throw new IllegalArgumentException("offset must be a finite number, not '" + o + "'");
        return ((Number) o).doubleValue();
    }
}
