package org.kumiki.campaign.internal.engine;

import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** Which bundle a class (a service object's) comes from: its symbolic name and version. */
final class Bundles {
    private Bundles() {
    }

    /** The bundle's symbolic name and version, or null when the class is not from a bundle. */
    static Map.Entry<String, String> of(Class<?> type) {
        Bundle b;
        try {
            b = FrameworkUtil.getBundle(type);
        } catch (RuntimeException | LinkageError e) {
            return null; // outside OSGi
        }
        if (b == null || b.getSymbolicName() == null) {
            return null;
        }
        return Map.entry(b.getSymbolicName(), b.getVersion().toString());
    }
}
