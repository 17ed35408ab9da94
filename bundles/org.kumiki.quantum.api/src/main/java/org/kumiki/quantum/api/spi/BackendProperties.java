package org.kumiki.quantum.api.spi;

import java.util.Map;

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
        StringBuilder b = new StringBuilder("quantum backend service");
        Object id = props.get("service.id");
        if (id != null) b.append(' ').append(id);
        Object component = props.get("component.name");
        if (component != null) b.append(" (component ").append(shown(component.toString())).append(')');
        return b.append(" refused: ").append(why).toString();
    }

    private static String described(Object v) {
        String type = v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[]" : v.getClass().getSimpleName();
        String value = v.getClass().isArray() ? "" : " \"" + shown(String.valueOf(v)) + "\"";
        return "the " + type + value;
    }

    private static String shown(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 64 ? t.substring(0, 64) + "..." : t;
    }
}
