package org.kumiki.inference.api.spi;

import java.util.Map;

/**
 * The type rules for an {@link InferenceEngine} service's properties, in one place for whoever
 * tracks engines: {@link InferenceEngine#PLATFORM} is a required, non-blank {@code String} (one
 * platform per engine; a {@code String[]} or a missing property would otherwise register the
 * engine under a platform no model names). A tracker refuses an engine whose properties break a
 * rule and logs {@link #problem(Map)}.
 *
 * @since 1.1
 */
public final class EngineProperties {
    private EngineProperties() {
    }

    /**
     * Checks an inference engine service's properties.
     *
     * @param props the service properties (as DS passes them to a bind method); null is treated as empty
     * @return null when they are well typed; otherwise one line naming the service (its
     *         {@code service.id} and {@code component.name} where known), the property, what it
     *         holds and what it must hold
     */
    public static String problem(Map<String, ?> props) {
        Object p = props == null ? null : props.get(InferenceEngine.PLATFORM);
        if (p == null) return refused(props, InferenceEngine.PLATFORM + " is missing (a String naming the platform, e.g. \"onnx\")");
        if (!(p instanceof String s)) return refused(props, InferenceEngine.PLATFORM + " must be a String, got " + described(p));
        if (s.isBlank()) return refused(props, InferenceEngine.PLATFORM + " is blank");
        return null;
    }

    private static String refused(Map<String, ?> props, String why) {
        StringBuilder b = new StringBuilder("inference engine service");
        if (props != null) {
            Object id = props.get("service.id");
            if (id != null) b.append(' ').append(id);
            Object component = props.get("component.name");
            if (component != null) b.append(" (component ").append(shown(component.toString())).append(')');
        }
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
