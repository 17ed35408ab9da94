package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.spi.Evaluator;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the evaluator as the campaign engine finds it. */
class SphereEvaluatorIT {

    @InjectService(filter = "(campaign.evaluator=sphere)", timeout = 10000)
    ServiceAware<Evaluator> evaluator;

    @Test
    void registersUnderItsNameAndEvaluates() throws Exception {
        assertEquals("sphere", evaluator.getServiceReference().getProperty(Evaluator.NAME));
        Evaluator e = evaluator.getService();
        assertEquals(8.0, e.result(e.start(SphereEvaluatorTest.request(2.0, null))).toCompletableFuture().get(10, TimeUnit.SECONDS).values.get("y"), 1e-12);
    }
}
