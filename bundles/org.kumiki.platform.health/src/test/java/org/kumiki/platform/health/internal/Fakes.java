package org.kumiki.platform.health.internal;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Function;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/** Fake API services: a proxy answering the named methods, failing on any other. */
final class Fakes {
    private Fakes() {
    }

    @SuppressWarnings("unchecked")
    static <T> T fake(Class<T> type, Map<String, Function<Object[], Object>> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            Function<Object[], Object> a = answers.get(m.getName());
            if (a != null) {
                return a.apply(args);
            }
            if (m.isDefault()) {
                return java.lang.reflect.InvocationHandler.invokeDefault(p, m, args);
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    static String messages(Result r) {
        StringBuilder b = new StringBuilder();
        for (ResultLog.Entry e : r) {
            b.append(e.getStatus()).append(' ').append(e.getMessage()).append('\n');
        }
        return b.toString();
    }
}
