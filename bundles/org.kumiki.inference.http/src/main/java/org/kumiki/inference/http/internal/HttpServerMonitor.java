package org.kumiki.inference.http.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line when the container's HTTP server is down (e.g. its port is in use), naming the
 * property that moves it, instead of leaving a container without REST unmentioned.
 */
@Component(service = HttpServerMonitor.class, immediate = true)
public class HttpServerMonitor {

    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";
    private static final Logger LOG = LoggerFactory.getLogger(HttpServerMonitor.class);

    private final BundleContext context;
    private final Map<HttpServiceRuntime, Boolean> runtimes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kumiki-http-monitor");
        t.setDaemon(true);
        return t;
    });
    private int downChecks;
    private boolean reported;

    @Activate
    public HttpServerMonitor(BundleContext context) {
        this.context = context;
        timer.scheduleWithFixedDelay(this::check, 3, 2, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(HttpServiceRuntime r) {
        runtimes.put(r, Boolean.TRUE);
    }

    void removeRuntime(HttpServiceRuntime r) {
        runtimes.remove(r);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    private synchronized void check() {
        if (!runtimes.isEmpty()) {
            if (reported) {
                LOG.info("HTTP server is up again");
            }
            downChecks = 0;
            reported = false;
            return;
        }
        if (++downChecks < 2 || reported) {
            return; // a restart after a configuration change takes a moment
        }
        reported = true;
        LOG.error(diagnose(context.getProperty(HOST), context.getProperty(PORT)));
    }

    /** One line: why the HTTP server is down and which property moves it. */
    static String diagnose(String host, String portProperty) {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        int port;
        try {
            port = portProperty == null ? 8080 : Integer.parseInt(portProperty.trim());
        } catch (NumberFormatException e) {
            return "HTTP server is down (no REST endpoint): " + PORT + "=" + portProperty + " is not a port number; set " + PORT + " (e.g. -D" + PORT + "=8081)";
        }
        String where = h + ":" + port;
        if (port > 0 && inUse(h, port)) {
            return "HTTP server is down (no REST endpoint): " + where + " is in use by another process; move it with " + PORT
                    + " (e.g. -D" + PORT + "=" + (port == 65535 ? 8081 : port + 1) + ")";
        }
        return "HTTP server is down (no REST endpoint): Jetty did not start on " + where + " (see the log above); " + PORT + " sets the port";
    }

    static boolean inUse(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host.equals("0.0.0.0") ? "127.0.0.1" : host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
