package org.kumiki.platform.assembly.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.platform.api.HardwareNamespace;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Resource;
import org.osgi.resource.Wiring;

/** The running framework as the resolver's context: resolved bundles with their wirings, the system bundle's hardware. */
final class FrameworkSite implements Planner.Site {
    private final List<Resource> installed = new ArrayList<>();
    private final Map<Resource, Wiring> wirings = new LinkedHashMap<>();
    private final List<Capability> hardware = new ArrayList<>();

    FrameworkSite(BundleContext context) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        for (Bundle b : context.getBundles()) {
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (rev == null) continue;
            BundleWiring w = rev.getWiring();
            if (w == null) continue; // unresolved: not a candidate
            installed.add(rev);
            wirings.put(rev, w);
            if (b.equals(system)) hardware.addAll(rev.getCapabilities(HardwareNamespace.NAMESPACE));
        }
    }

    @Override
    public List<Resource> installed() {
        return installed;
    }

    @Override
    public Map<Resource, Wiring> wirings() {
        return wirings;
    }

    @Override
    public List<Capability> hardware() {
        return hardware;
    }
}
