package org.kumiki.platform.command.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the distribution has started, for the script runner and the console: from
 * construction it records the bundles Felix reports as failing to start (they will not become
 * ACTIVE: {@link #await} does not wait for them).
 */
final class Startup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Startup.class);
    /** The framework property with the start level of the server bundles (see org.kumiki.platform). */
    static final String SERVERS = "kumiki.startlevel.servers";

    private final BundleContext context;
    private final FrameworkListener failures;
    private final Set<Long> failed = ConcurrentHashMap.newKeySet();

    Startup(BundleContext context) {
        this.context = context;
        this.failures = event -> {
            if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null) failed.add(event.getBundle().getBundleId());
        };
        context.addFrameworkListener(failures);
    }

    @Override
    public void close() {
        try {
            context.removeFrameworkListener(failures);
        } catch (IllegalStateException e) {
            // the bundle is already stopping
        }
    }

    /**
     * Waits until the distribution has started: under the bnd launcher (the exported jars) its
     * {@code launcher.ready=true} service property is set; the framework has reached its
     * beginning start level (raised asynchronously, after the launcher may already be ready);
     * and every bundle marked to start is ACTIVE (or failed to start, as Felix reported).
     */
    void await(long timeoutMs) throws InterruptedException {
        await(timeoutMs, false);
    }

    /**
     * As {@link #await(long)}; with {@code servers} also until the framework has reached the
     * servers' start level ({@value #SERVERS}, raised by org.kumiki.platform right after start-up,
     * or in script mode by {@link #startServers}) and those bundles are ACTIVE. Without it the servers' bundles are not waited for.
     */
    void await(long timeoutMs, boolean servers) throws InterruptedException {
        int beginning = beginning(context);
        int serverLevel = serverLevel(context);
        long deadline = System.currentTimeMillis() + timeoutMs;
        int quiet = 0;
        while (System.currentTimeMillis() < deadline) {
            boolean bndLauncher = has(context, "(objectClass=aQute.launcher.Launcher)");
            int level = currentLevel(context);
            boolean ready = (!bndLauncher || has(context, "(launcher.ready=true)")) && level >= beginning
                    && (!servers || serverLevel == Integer.MAX_VALUE || level >= serverLevel);
            for (Bundle b : context.getBundles()) {
                if (!ready) break;
                // cheapest tests first: this runs every 20 ms over every bundle while the container starts
                if (b.getBundleId() == 0 || b.getState() == Bundle.ACTIVE || failed.contains(b.getBundleId())) continue;
                BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
                if (bsl == null || !bsl.isPersistentlyStarted() || bsl.getStartLevel() > level) continue;
                if (!servers && bsl.getStartLevel() >= serverLevel) continue;
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) continue;
                ready = false;
            }
            quiet = ready ? quiet + 1 : 0;
            if (quiet >= 3) return;
            Thread.sleep(20);
        }
        LOG.warn("distribution not started after {} ms; going on anyway", timeoutMs);
    }

    /**
     * Starts the servers now, for a script line that needs them (in script mode org.kumiki.platform
     * leaves them un-started): raises the framework to their start level if it is below it, without
     * waiting; {@link #await(long, boolean)} with {@code servers} then waits for them. Nothing when
     * the site defers no servers or the level is already there (an operator may have set it).
     */
    void startServers() {
        int serverLevel = serverLevel(context);
        if (serverLevel == Integer.MAX_VALUE) return;
        FrameworkStartLevel fsl = context.getBundle(0).adapt(FrameworkStartLevel.class);
        if (fsl == null || fsl.getStartLevel() >= serverLevel) return;
        LOG.debug("a script line needs the servers: raising the start level to {}", serverLevel);
        try {
            fsl.setStartLevel(serverLevel);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("cannot raise the start level to {} for the servers: {}", serverLevel, e.getMessage());
        }
    }

    /** The start level of the deferred server bundles, or MAX_VALUE when the site defers none. */
    static int serverLevel(BundleContext context) {
        String v = context.getProperty(SERVERS);
        try {
            int n = v == null ? 0 : Integer.parseInt(v.strip());
            return n > 0 ? n : Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int beginning(BundleContext context) {
        try {
            String b = context.getProperty("org.osgi.framework.startlevel.beginning");
            return b == null ? 1 : Integer.parseInt(b.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static int currentLevel(BundleContext context) {
        FrameworkStartLevel fsl = context.getBundle(0).adapt(FrameworkStartLevel.class);
        return fsl == null ? Integer.MAX_VALUE : fsl.getStartLevel();
    }

    private static boolean has(BundleContext context, String filter) {
        try {
            return context.getServiceReferences((String) null, filter) != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }
}
