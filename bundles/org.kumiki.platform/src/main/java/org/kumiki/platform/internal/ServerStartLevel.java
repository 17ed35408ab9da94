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
 * or {@code STARTED} without the bnd launcher). Without the property it does nothing; nor in
 * script mode (the framework property {@value #SCRIPT} names a script): there the script runner
 * raises the level itself, only before a script line that needs the servers, so a script that
 * does not need them never starts them (they would compete with it for the CPU, and be stopped
 * again at its exit).
 *
 * <p>Immediate, as a listener must be; it does no work of its own at activation.
 */
@Component(immediate = true, service = {})
public class ServerStartLevel {

    /** The framework property naming the start level of the deferred server bundles. */
    public static final String PROPERTY = "kumiki.startlevel.servers";
    /** The framework property naming a script to run (org.kumiki.platform.command's script runner). */
    static final String SCRIPT = "kumiki.script";

    private static final Logger LOG = LoggerFactory.getLogger(ServerStartLevel.class);

    private final BundleContext context;
    private final int target;
    private final AtomicBoolean raised = new AtomicBoolean();
    private final FrameworkListener listener = this::frameworkEvent;

    @Activate
    public ServerStartLevel(BundleContext context) {
        this.context = context;
        String script = context.getProperty(SCRIPT);
        int level = level(context.getProperty(PROPERTY));
        if (level > 0 && script != null && !script.isBlank()) {
            LOG.debug("script mode: the servers at start level {} start when a script line needs them", level);
            level = 0;
        }
        this.target = level;
        if (target <= 0) return;
        context.addFrameworkListener(listener);
        // Activated once the launcher has taken over (a late or restarted component may have missed
        // its event): ask for the servers' level now. The bnd launcher hides the beginning level
        // from the framework (it starts it ACTIVE at level 1 and raises it itself), so ACTIVE above
        // level 1 is the sign; Felix serves start-level requests in order, so one made while the
        // launcher's own change is under way moves on only after that change has finished.
        org.osgi.framework.Bundle framework = context.getBundle(0);
        if (framework != null && framework.getState() == org.osgi.framework.Bundle.ACTIVE
                && framework.adapt(FrameworkStartLevel.class).getStartLevel() > 1) {
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
