package org.kumiki.platform.command.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Makes leaving the shell the documented way ({@code stop 0}, or the end of input, which stops
 * the framework) end the process with status 0: the bnd launcher of the exported jars would exit
 * with 117 ("framework stopped") once the framework has stopped. As soon as the system bundle
 * starts stopping, a daemon thread calls {@code System.exit(0)}; the launcher's shutdown hook
 * then stops the framework cleanly, as for the script runner's exit.
 *
 * <p>A process that is already exiting keeps its status: on SIGTERM (143) or a script's failing
 * line (1) the JVM is already shutting down, and the second {@code System.exit} only waits.
 */
@Component(immediate = true)
public class ExitOnStop implements SynchronousBundleListener {

    private final BundleContext context;
    private final IntConsumer exit;
    private final AtomicBoolean exiting = new AtomicBoolean();

    @Activate
    public ExitOnStop(BundleContext context) {
        this(context, System::exit);
    }

    ExitOnStop(BundleContext context, IntConsumer exit) {
        this.context = context;
        this.exit = exit;
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(this);
        } catch (IllegalStateException e) {
            // the bundle is already stopping
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPING || event.getBundle().getBundleId() != 0) return;
        if (!exiting.compareAndSet(false, true)) return;
        // not on the framework's thread: the launcher's shutdown hook stops the framework and waits for it
        Thread t = new Thread(() -> exit.accept(0), "kumiki-exit");
        t.setDaemon(true);
        t.start();
    }
}
