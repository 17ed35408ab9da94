package org.kumiki.platform.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the container's servers (Felix Jetty, the Web Console, the REST and OIP servlets) right
 * after start-up instead of on the way to the prompt: the distributions put those bundles at the
 * start level named by the framework property {@value #PROPERTY} (above the beginning start
 * level, which the launcher reaches first), and this component raises the framework to that
 * level once, when the launcher's start-level change has finished ({@code STARTLEVEL_CHANGED},
 * or {@code STARTED} without the bnd launcher). Without the property it does nothing.
 *
 * <p>Immediate, as a listener must be; it does no work of its own at activation.
 */
@Component(immediate = true, service = {})
public class ServerStartLevel {

    /** The framework property naming the start level of the deferred server bundles. */
    public static final String PROPERTY = "kumiki.startlevel.servers";

    private static final Logger LOG = LoggerFactory.getLogger(ServerStartLevel.class);

    private final BundleContext context;
    private final int target;
    private final AtomicBoolean raised = new AtomicBoolean();
    private final FrameworkListener listener = this::frameworkEvent;

    @Activate
    public ServerStartLevel(BundleContext context) {
        this.context = context;
        this.target = level(context.getProperty(PROPERTY));
        if (target <= 0) return;
        context.addFrameworkListener(listener);
        // activated after the launcher's last start-level change (a late or restarted component):
        // no event will come, raise now
        org.osgi.framework.Bundle framework = context.getBundle(0);
        int beginning = level(context.getProperty("org.osgi.framework.startlevel.beginning"));
        if (framework != null && framework.getState() == org.osgi.framework.Bundle.ACTIVE && beginning > 1
                && framework.adapt(FrameworkStartLevel.class).getStartLevel() >= beginning) {
            frameworkEvent(new FrameworkEvent(FrameworkEvent.STARTLEVEL_CHANGED, framework, null));
        }
    }

    @Deactivate
    void deactivate() {
        if (target <= 0) return;
        try {
            context.removeFrameworkListener(listener);
        } catch (IllegalStateException e) {
            // the bundle is stopping
        }
    }

    /** The level in a property value, or 0 (off) when it is absent or not a positive number. */
    static int level(String value) {
        if (value == null || value.isBlank()) return 0;
        try {
            int n = Integer.parseInt(value.strip());
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("{}={} ignored: not a positive start level; the servers start with everything else", PROPERTY, value.strip());
        return 0;
    }

    void frameworkEvent(FrameworkEvent event) {
        if (event.getType() != FrameworkEvent.STARTED && event.getType() != FrameworkEvent.STARTLEVEL_CHANGED) return;
        FrameworkStartLevel fsl = context.getBundle(0).adapt(FrameworkStartLevel.class);
        int current = fsl.getStartLevel();
        // level 1 is where the bnd launcher starts the framework before raising it to the beginning
        // level: a change that ends there (or STARTED there) is not the end of start-up
        if (current <= 1 || current >= target || !raised.compareAndSet(false, true)) return;
        LOG.debug("start-up done at start level {}: starting the servers at start level {}", current, target);
        try {
            fsl.setStartLevel(target);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("cannot raise the start level to {} for the servers: {}", target, e.getMessage());
        }
    }
}
