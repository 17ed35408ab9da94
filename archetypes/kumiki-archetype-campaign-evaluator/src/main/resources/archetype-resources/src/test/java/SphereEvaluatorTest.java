package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;

/** Unit tests: the evaluator is a plain object, built with {@code new}. */
class SphereEvaluatorTest {
    final SphereEvaluator evaluator = new SphereEvaluator();

    static EvaluationRequest request(Object x, Object offset) {
        EvaluationRequest r = new EvaluationRequest();
        r.evaluationId = "e1";
        r.point.put("x", x);
        r.point.put("n", 2L);
        if (offset != null) r.options.put("offset", offset);
        return r;
    }

    @Test
    void evaluatesAPointThroughItsHandle() throws Exception {
        String handle = evaluator.start(request(3.0, 1.0));
        assertEquals(5.0, evaluator.result(handle).toCompletableFuture().get(10, TimeUnit.SECONDS).values.get("y"), 1e-12);
        // a new instance (a restart) still knows the handle
        assertEquals(5.0, new SphereEvaluator().result(handle).toCompletableFuture().get(10, TimeUnit.SECONDS).values.get("y"), 1e-12);
    }

    @Test
    void refusesBadInputWithOneLine() {
        assertEquals("parameter x = 'red' is not a number", assertThrows(IllegalArgumentException.class, () -> evaluator.start(request("red", null))).getMessage());
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> evaluator.result("task-42").toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals("unknown handle 'task-42'", unknown.getCause().getMessage());
        StepDTO step = new StepDTO();
        step.options.put("offset", "one");
        step.options.put("scale", 2);
        assertEquals(List.of("offset: offset must be a finite number, not 'one'", "scale: unknown option (the sphere evaluator takes: offset)"),
                evaluator.validate(new CampaignDefinition(), step).stream().map(Object::toString).toList());
    }
}
