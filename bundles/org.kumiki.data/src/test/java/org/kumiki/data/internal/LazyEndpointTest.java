package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** Endpoint services are bound without being got: the first use activates them, once. */
class LazyEndpointTest {

    /** As SCR's: counts the gets; a null endpoint is one whose component failed to activate. */
    static final class Objects implements ComponentServiceObjects<Endpoint> {
        final AtomicInteger gets = new AtomicInteger();
        final Endpoint endpoint;

        Objects(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public Endpoint getService() {
            gets.incrementAndGet();
            return endpoint;
        }

        @Override
        public void ungetService(Endpoint service) {
        }

        @Override
        @SuppressWarnings("unchecked")
        public ServiceReference<Endpoint> getServiceReference() {
            // no bundle: outside a framework
            return (ServiceReference<Endpoint>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceReference.class},
                    (p, m, a) -> null);
        }
    }

    @Test
    void anEndpointIsGotOnFirstUseOnlyAndForgottenWhenUnbound(@TempDir Path dir) throws Exception {
        TransferServiceImpl s = TransferServiceImpl.open(Fixtures.journals(), dir.resolve("state"), Fixtures.settings(1 << 20));
        try {
            Objects file = new Objects(new FileEndpoint());
            s.addEndpointService(file, Map.of(Endpoint.SCHEME, "file"));
            assertEquals(0, file.gets.get(), "bound, not activated");

            Files.writeString(dir.resolve("a.txt"), "a");
            List<EntryDTO> listed = s.list(dir.resolve("a.txt").toUri());
            assertEquals(1, listed.size());
            assertEquals(1, s.endpoints().size());
            assertEquals(1, file.gets.get(), "got once, then kept");

            s.removeEndpointService(file, Map.of(Endpoint.SCHEME, "file"));
            assertTrue(s.endpoints().isEmpty());
            TransferRejectedException e = assertThrows(TransferRejectedException.class, () -> s.list(dir.toUri()));
            assertEquals("no endpoint for scheme 'file' (registered: )", e.getMessage());
        } finally {
            s.close();
        }
    }

    @Test
    void anEndpointThatFailsToActivateIsOneLine(@TempDir Path dir) throws Exception {
        TransferServiceImpl s = TransferServiceImpl.open(Fixtures.journals(), dir.resolve("state"), Fixtures.settings(1 << 20));
        try {
            s.addEndpointService(new Objects(new FileEndpoint()), Map.of(Endpoint.SCHEME, "file"));
            Objects broken = new Objects(null); // SCR gives null when the component's activation fails
            s.addEndpointService(broken, Map.of(Endpoint.SCHEME, "broken"));
            Files.writeString(dir.resolve("a.txt"), "a");
            TransferRequest r = new TransferRequest();
            r.items.add(TransferItem.of("broken://" + dir.resolve("a.txt"), dir.resolve("b.txt").toString(), false));
            TransferRejectedException e = assertThrows(TransferRejectedException.class, () -> s.submit(r));
            assertEquals("the endpoint for 'broken' is not available (it failed to start: see the log)", e.getMessage());
            assertEquals(1, broken.gets.get());
            // the other endpoints are listed; the broken one is left out
            assertEquals(List.of("file"), s.endpoints().stream().map(d -> d.schemes.get(0)).toList());
        } finally {
            s.close();
        }
    }
}
