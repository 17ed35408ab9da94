package org.kumiki.lab.api.whiteboard;

import java.util.Map;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.platform.text.ServiceRefusal;

/**
 * The type rules for a {@link Device} service's properties ({@link LabConstants}), in one place
 * for whoever tracks devices: {@link LabConstants#DEVICE_NAME}, {@link LabConstants#DEVICE_KIND},
 * {@link LabConstants#DEVICE_VENDOR} and {@link LabConstants#DEVICE_LOCATION} are optional
 * {@code String}s, blank meaning unset (without a name the device's {@link Device#name()} is used);
 * {@link LabConstants#DEVICE_CAPABILITIES} is an optional {@code String[]} of non-blank names.
 * A tracker refuses a device whose properties break a rule and logs {@link #problem(Map)}, rather
 * than ignoring the property: a DS {@code property = "lab.device.capabilities=readable"} is a
 * single {@code String}, not an array.
 *
 * @since 1.0
 */
public final class DeviceProperties {
    private DeviceProperties() {
    }

    /**
     * Checks a device service's properties.
     *
     * @param props the service properties (as DS passes them to a bind method); null is treated as empty
     * @return null when they are well typed; otherwise one line naming the service (its
     *         {@code service.id} and {@code component.name} where known) and the property, what it
     *         holds and what it must hold
     */
    public static String problem(Map<String, ?> props) {
        if (props == null) return null;
        for (String key : new String[] {LabConstants.DEVICE_NAME, LabConstants.DEVICE_KIND, LabConstants.DEVICE_VENDOR, LabConstants.DEVICE_LOCATION}) {
            Object v = props.get(key);
            if (v == null) continue;
            if (!(v instanceof String)) {
                return refused(props, key + " must be a String, got " + described(v));
            }
            // a blank string is an unset optional value (a metatype default of ""), not an error
        }
        Object caps = props.get(LabConstants.DEVICE_CAPABILITIES);
        if (caps != null) {
            if (!(caps instanceof String[] a)) {
                return refused(props, LabConstants.DEVICE_CAPABILITIES + " must be a String[], got " + described(caps)
                        + (caps instanceof String ? " (a DS property = \"" + LabConstants.DEVICE_CAPABILITIES
                                + "=...\" line is one String: declare it with a @ComponentPropertyType whose member is String[])" : ""));
            }
            for (String c : a) {
                if (c == null || c.isBlank()) return refused(props, LabConstants.DEVICE_CAPABILITIES + " holds a blank or null entry");
            }
        }
        return null;
    }

    private static String refused(Map<String, ?> props, String why) {
        return ServiceRefusal.line("lab device service", props, why);
    }

    private static String described(Object v) {
        return ServiceRefusal.described(v);
    }
}
