package org.kumiki.inference.api.spi;

import java.util.Map;

import org.kumiki.platform.text.ServiceRefusal;

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
        return ServiceRefusal.line("inference engine service", props, why);
    }

    private static String described(Object v) {
        return ServiceRefusal.described(v);
    }
}
