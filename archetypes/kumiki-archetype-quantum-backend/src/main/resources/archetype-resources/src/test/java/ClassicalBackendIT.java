package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.kumiki.quantum.api.spi.QuantumBackend;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the backend as the quantum core sees it. */
class ClassicalBackendIT {

    @InjectService(filter = "(kumiki.quantum.backend.name=classical)", timeout = 10000)
    ServiceAware<QuantumBackend> backend;

    @Test
    void registersUnderItsNameAndSamples() throws Exception {
        assertEquals("classical", backend.getService().name());
        QuantumCircuit c = new QuantumCircuit(2, 2);
        c.x(1);
        c.append(org.kumiki.quantum.api.Instruction.measure(0, 0));
        c.append(org.kumiki.quantum.api.Instruction.measure(1, 1));
        List<SamplerPubResult> r = backend.getService().sample(List.of(SamplerPub.of(c, 10))).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(Map.of("10", 10), r.get(0).data.get(0).counts);
    }
}
