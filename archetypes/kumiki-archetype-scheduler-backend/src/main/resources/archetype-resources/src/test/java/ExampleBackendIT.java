package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the backend as the scheduler sees it. */
class ExampleBackendIT {

    @InjectService(filter = "(kumiki.backend.name=example)", timeout = 10000)
    ServiceAware<ExecutionBackend> backend;

    @TempDir
    Path dir;

    @Test
    void registersUnderItsNameAndRunsATask() throws Exception {
        assertEquals("example", backend.getServiceReference().getProperty(ExecutionBackend.NAME));
        assertEquals(2, backend.getService().capacity().cpus);
        RecordingExecution e = new RecordingExecution(TaskSpec.command("hello", "sh", "-c", "echo in-framework"), dir);
        backend.getService().start(e);
        assertEquals("exited 0", e.awaitEnd());
        assertEquals("in-framework\n", Files.readString(dir.resolve("stdout")));
    }
}
