package org.kumiki.platform.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;

class ExitOnStopTest {

    static <T> T fake(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> answer.apply(m.getName(), a)));
    }

    static Bundle bundle(long id) {
        return fake(Bundle.class, (m, a) -> m.equals("getBundleId") ? id : null);
    }

    @Test
    void theSystemBundleStoppingExitsWithZeroOnce() throws Exception {
        List<Object> listeners = new CopyOnWriteArrayList<>();
        BundleContext ctx = fake(BundleContext.class, (m, a) -> {
            if (m.equals("addBundleListener")) listeners.add(a[0]);
            if (m.equals("removeBundleListener")) listeners.remove(a[0]);
            return null;
        });
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        CountDownLatch exited = new CountDownLatch(1);
        ExitOnStop e = new ExitOnStop(ctx, s -> {
            statuses.add(s);
            exited.countDown();
        });
        assertEquals(List.of(e), listeners);
        e.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(7))); // another bundle: nothing
        e.bundleChanged(new BundleEvent(BundleEvent.STOPPED, bundle(0)));
        e.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(0))); // stop 0, or the end of input
        assertTrue(exited.await(60, TimeUnit.SECONDS));
        e.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(0)));
        Thread.sleep(50);
        assertEquals(List.of(0), statuses);
        e.deactivate();
        assertTrue(listeners.isEmpty());
    }
}
