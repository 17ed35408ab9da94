package org.kumiki.quantum.api.spi;

import java.util.Map;

import org.kumiki.platform.text.ServiceRefusal;

/**
 * The type rules for a {@link QuantumBackend} service's properties, in one place for whoever
 * tracks backends: {@link QuantumBackend#NAME} is an optional, non-blank {@code String} (without
 * it the backend's {@link QuantumBackend#name()} is used); {@code service.ranking} is an optional
 * {@code Integer} (the framework treats any other type as 0, so a DS
 * {@code property = "service.ranking=200"} line, a {@code String}, would silently lose the
 * default: declare it {@code "service.ranking:Integer=200"}). A tracker refuses a backend whose
 * properties break a rule and logs {@link #problem(Map)}.
 *
 * @since 1.1
 */
public final class BackendProperties {
    private BackendProperties() {
    }

    /**
     * Checks a quantum backend service's properties.
     *
     * @param props the service properties (as DS passes them to a bind method); null is treated as empty
     * @return null when they are well typed; otherwise one line naming the service (its
     *         {@code service.id} and {@code component.name} where known), the property, what it
     *         holds and what it must hold
     */
    public static String problem(Map<String, ?> props) {
        if (props == null) return null;
        Object n = props.get(QuantumBackend.NAME);
        if (n != null && !(n instanceof String)) return refused(props, QuantumBackend.NAME + " must be a String, got " + described(n));
        if (n instanceof String s && s.isBlank()) return refused(props, QuantumBackend.NAME + " is blank (leave it out to use the backend's name())");
        Object r = props.get("service.ranking");
        if (r != null && !(r instanceof Integer)) {
            return refused(props, "service.ranking must be an Integer, got " + described(r)
                    + (r instanceof String ? " (in a DS property line write \"service.ranking:Integer=N\")" : ""));
        }
        return null;
    }

    private static String refused(Map<String, ?> props, String why) {
        return ServiceRefusal.line("quantum backend service", props, why);
    }

    private static String described(Object v) {
        return ServiceRefusal.described(v);
    }
}
