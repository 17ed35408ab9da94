package org.kumiki.platform.text;

import java.util.Map;

/**
 * The one-line refusal of a whiteboard service whose properties break its API's type rules (a
 * device, a quantum backend, an inference engine...), in one wording for every domain: the kind of
 * service, its {@code service.id} and {@code component.name} where known, then why. Each API's
 * property checker (e.g. {@code DeviceProperties}) states its rules and words the reason with
 * {@link #described}.
 */
public final class ServiceRefusal {
    private ServiceRefusal() {
    }

    /**
     * {@code "<what> <service.id> (component <name>) refused: <why>"}.
     *
     * @param what the kind of service, e.g. "lab device service"
     * @param props its service properties (null: none known)
     * @param why what is wrong, one line
     */
    public static String line(String what, Map<String, ?> props, String why) {
        StringBuilder b = new StringBuilder(what);
        if (props != null) {
            Object id = props.get("service.id");
            if (id != null) b.append(' ').append(id);
            Object component = props.get("component.name");
            if (component != null) b.append(" (component ").append(Text.shown(component.toString(), 64)).append(')');
        }
        return b.append(" refused: ").append(why).toString();
    }

    /** A property's value as a reason shows it: {@code the Integer "1"}, {@code the String[]}. */
    public static String described(Object v) {
        if (v == null) return "nothing";
        String type = v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[]" : v.getClass().getSimpleName();
        String value = v.getClass().isArray() ? "" : " \"" + Text.shown(String.valueOf(v), 64) + "\"";
        return "the " + type + value;
    }
}
