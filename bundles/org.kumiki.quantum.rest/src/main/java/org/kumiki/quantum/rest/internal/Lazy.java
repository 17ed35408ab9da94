package org.kumiki.quantum.rest.internal;

import java.util.function.Supplier;

import org.osgi.service.component.ComponentServiceObjects;

/**
 * A service got on first use, so that registering the servlet (which the HTTP whiteboard does at
 * start-up) does not activate the quantum core, the codec and their backends. DS releases it when
 * the servlet component is deactivated.
 */
final class Lazy<T> implements Supplier<T> {

    private final ComponentServiceObjects<T> objects;
    private volatile T service;

    Lazy(ComponentServiceObjects<T> objects) {
        this.objects = objects;
    }

    /** For unit tests: a service at hand. */
    static <T> Lazy<T> of(T service) {
        Lazy<T> l = new Lazy<>(null);
        l.service = service;
        return l;
    }

    @Override
    public T get() {
        T s = service;
        if (s == null) {
            synchronized (this) {
                s = service;
                if (s == null) {
                    s = objects.getService();
                    if (s == null) {
                        throw new IllegalStateException("the quantum service is going away: try again");
                    }
                    service = s;
                }
            }
        }
        return s;
    }
}
