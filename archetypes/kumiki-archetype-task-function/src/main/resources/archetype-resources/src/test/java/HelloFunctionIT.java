package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the function as the scheduler finds it. */
class HelloFunctionIT {

    @InjectService(filter = "(kumiki.function.name=hello)", timeout = 10000)
    ServiceAware<TaskFunction> function;

    @Test
    void registersUnderItsNameAndRuns() throws Exception {
        assertEquals("hello", function.getServiceReference().getProperty(TaskFunction.NAME));
        assertEquals("{\"greeting\":\"Hello, OSGi!\",\"task\":\"t1\"}", function.getService().apply("{\"name\":\"OSGi\"}", HelloFunctionTest.context(false)));
    }
}
