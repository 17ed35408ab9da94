package org.kumiki.platform.health.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The container's HTTP server (Felix Jetty) is up: its servlet runtime is registered. When it is
 * not, one line says why (the port is in use, naming the property that moves it) as
 * {@code HttpServerMonitor} of org.kumiki.inference.http logs it. A site without an HTTP bundle
 * is OK. The runtime is looked up by name, so this bundle loads no servlet class for it.
 */
@Component(service = HealthCheck.class,
        property = {HealthCheck.NAME + "=HTTP server", HealthCheck.TAGS + "=platform", HealthCheck.TAGS + "=" + Checks.DEFAULT})
public class HttpServerCheck implements HealthCheck {

    static final String RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    static final String ENDPOINT = "osgi.http.endpoint";
    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";

    private final BundleContext context;

    @Activate
    public HttpServerCheck(BundleContext context) {
        this.context = context;
    }

    @Override
    public Result execute() {
        ResultLog log = Checks.log();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(RUNTIME, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter given
        }
        if (refs != null && refs.length > 0) {
            List<String> endpoints = new ArrayList<>();
            for (ServiceReference<?> r : refs) {
                Object e = r.getProperty(ENDPOINT);
                if (e instanceof String[]) {
                    endpoints.addAll(List.of((String[]) e));
                } else if (e instanceof java.util.Collection) {
                    ((java.util.Collection<?>) e).forEach(x -> endpoints.add(String.valueOf(x)));
                } else if (e != null) {
                    endpoints.add(e.toString());
                }
            }
            Checks.add(log, Result.Status.OK, "HTTP server is up" + (endpoints.isEmpty() ? "" : " at " + String.join(", ", endpoints)));
        } else if (!httpInstalled()) {
            Checks.add(log, Result.Status.OK, "this site runs no HTTP server");
        } else {
            Checks.add(log, Result.Status.CRITICAL, diagnose(context.getProperty(HOST), context.getProperty(PORT)));
        }
        return new Result(log);
    }

    /** Whether a bundle of the framework offers the servlet runtime package (an HTTP server is meant to run). */
    private boolean httpInstalled() {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            String exports = b.getHeaders("").get(org.osgi.framework.Constants.EXPORT_PACKAGE);
            if (exports != null && exports.contains("org.osgi.service.servlet.runtime")) {
                return true;
            }
        }
        return false;
    }

    /** One line: why the HTTP server is down and which property moves it. */
    static String diagnose(String host, String portProperty) {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        int port;
        try {
            port = portProperty == null ? 8080 : Integer.parseInt(portProperty.trim());
        } catch (NumberFormatException e) {
            return "HTTP server is down: " + PORT + "=" + Checks.oneLine(portProperty) + " is not a port number";
        }
        String where = h + ":" + port;
        if (port > 0 && inUse(h, port)) {
            return "HTTP server is down: " + where + " is in use by another process; move it with " + PORT;
        }
        return "HTTP server is down: Jetty did not start on " + where + " (see the log); " + PORT + " sets the port";
    }

    static boolean inUse(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host.equals("0.0.0.0") ? "127.0.0.1" : host, port), 500);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
