package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.kumiki.data.api.spi.Endpoint;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the endpoint as the transfer service finds it. */
class MemoryEndpointIT {

    @InjectService(filter = "(kumiki.data.scheme=mem)", timeout = 10000)
    ServiceAware<Endpoint> endpoint;

    @Test
    void registersUnderItsSchemeAndStoresFiles() throws Exception {
        assertEquals("mem", endpoint.getServiceReference().getProperty(Endpoint.SCHEME));
        Endpoint ep = endpoint.getService();
        ep.mkdirs(URI.create("mem:///it"));
        assertEquals("in-framework", MemoryEndpointTest.roundTrip(ep, "mem:///it/x", "in-framework"));
    }
}
