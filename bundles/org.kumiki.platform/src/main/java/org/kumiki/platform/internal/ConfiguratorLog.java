package org.kumiki.platform.internal;

import java.util.Collection;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Apache Felix Configurator 1.0.18 prints every message, DEBUG included, to standard output
 * unless it finds an OSGi {@code LogService}; no distribution has one (Logback is the backend).
 * This registers a {@code LogService} that forwards to SLF4J ({@link Slf4jLogService}, loaded
 * only when the Configurator gets it) and hides it, through service hooks, from every bundle but
 * the Configurator, so that no other bundle's logging changes.
 */
@Component(service = {}, immediate = true)
public class ConfiguratorLog implements FindHook, EventListenerHook {

    static final String AUDIENCE = "kumiki.log.audience";
    static final String CONFIGURATOR = "org.apache.felix.configurator";

    private final ServiceRegistration<?> hooks;
    private final ServiceRegistration<?> registration;

    @Activate
    public ConfiguratorLog(BundleContext context) {
        // The hooks before the LogService, not as this component's services (which SCR registers
        // after this constructor): a bundle already tracking LogService, as Felix Config Admin does
        // from its start, would otherwise get the REGISTERED event unhidden and keep the service,
        // and then format every DEBUG message for it (about 370 at each start, all dropped).
        hooks = context.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()}, this, null);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(AUDIENCE, CONFIGURATOR);
        registration = context.registerService("org.osgi.service.log.LogService", new ServiceFactory<Object>() {
            @Override
            public Object getService(Bundle bundle, ServiceRegistration<Object> reg) {
                return new Slf4jLogService(bundle.getSymbolicName());
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Object> reg, Object service) {
                // nothing held
            }
        }, p);
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : List.of(registration, hooks)) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
    }

    static boolean hidden(ServiceReference<?> ref, Bundle from) {
        if (!CONFIGURATOR.equals(ref.getProperty(AUDIENCE))) return false;
        return from == null || from.getBundleId() != 0 && !CONFIGURATOR.equals(from.getSymbolicName()) && from != ref.getBundle();
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices, Collection<ServiceReference<?>> references) {
        Bundle from = context.getBundle();
        references.removeIf(r -> hidden(r, from));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> ref = event.getServiceReference();
        if (!CONFIGURATOR.equals(ref.getProperty(AUDIENCE))) return;
        for (Iterator<BundleContext> it = listeners.keySet().iterator(); it.hasNext();) {
            if (hidden(ref, it.next().getBundle())) it.remove();
        }
    }

    /** For tests: what a hook leaves of {@code refs} for {@code from}. */
    static List<ServiceReference<?>> visible(List<ServiceReference<?>> refs, Bundle from) {
        return refs.stream().filter(r -> !hidden(r, from)).toList();
    }
}
