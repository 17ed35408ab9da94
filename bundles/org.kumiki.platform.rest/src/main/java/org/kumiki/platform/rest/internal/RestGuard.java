package org.kumiki.platform.rest.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nothing beyond loopback unless configured: when Felix Jetty listens on a non-loopback address
 * ({@code org.apache.felix.http.host} absent means every interface) and HTTPS is not enabled, the
 * REST API refuses to serve (every call is a 503 naming the reason) and one line says so at start.
 * Immediate on purpose: the line must come at start, not at the first call. It only reads two
 * framework properties.
 */
@Component(service = RestGuard.class, immediate = true)
public class RestGuard {

    public static final String HOST = "org.apache.felix.http.host";
    public static final String HTTPS = "org.apache.felix.https.enable";
    private static final Logger LOG = LoggerFactory.getLogger(RestGuard.class);
    private static volatile String refusal;

    @Activate
    public RestGuard(BundleContext context) {
        String r = check(context.getProperty(HOST), context.getProperty(HTTPS));
        refusal = r;
        if (r != null) {
            LOG.error("REST API refused: {}", r);
        }
    }

    /** Why the REST API refuses to serve, or null when it serves. */
    public static String refusal() {
        return refusal;
    }

    /** The reason to refuse for these property values, or null. */
    public static String check(String host, String https) {
        if ("true".equalsIgnoreCase(https == null ? "" : https.trim())) {
            return null;
        }
        if (host == null || host.isBlank()) {
            return HOST + " is not set, so HTTP listens on every interface, and HTTPS is not enabled (" + HTTPS
                    + "): set " + HOST + "=127.0.0.1, or enable HTTPS";
        }
        if (!isLoopback(host.trim())) {
            return HOST + "=" + host.trim() + " is not a loopback address and HTTPS is not enabled (" + HTTPS
                    + "): bearer tokens would cross the network in clear text; use 127.0.0.1 (and an SSH tunnel) or enable HTTPS";
        }
        return null;
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1")) {
            return true;
        }
        if (!h.matches("[0-9a-fA-F.:]+")) {
            return false; // a name other than localhost: not resolved at start (no DNS on the start-up path)
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
