package org.kumiki.platform.logback;

import java.net.BindException;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the three ERROR lines Felix Jetty logs when its port cannot be bound (the bind stack
 * trace, "Jetty stopped (no connectors available)" and the NullPointerException that follows
 * it): org.kumiki.inference.http's HttpServerMonitor says the same in one line naming
 * org.osgi.service.http.port, and kumiki:status shows the HTTP service DOWN.
 * <p>
 * Only an ERROR of the {@code org.apache.felix.http} logger with a {@link BindException} in its
 * cause chain starts the suppression; the two follow-ups are dropped only on the same thread
 * after it (Felix logs all three from one call of JettyService.initializeJetty). Anything else,
 * including a "no connectors" line without a bind failure before it, is logged as before.
 */
public final class JettyBindFailureFilter extends TurboFilter {

    static final String FELIX_HTTP = "org.apache.felix.http";
    private static final String NO_CONNECTORS = "no connectors";

    /** Set on the thread that logged a bind failure until its follow-ups have been dropped. */
    private final ThreadLocal<Boolean> afterBindFailure = new ThreadLocal<>();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || level == null || !level.isGreaterOrEqual(Level.WARN) || logger == null
                || !FELIX_HTTP.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Throwable thrown = t != null ? t : lastThrowable(params);
        if (hasBindException(thrown)) {
            afterBindFailure.set(Boolean.TRUE);
            return FilterReply.DENY;
        }
        if (afterBindFailure.get() == null) {
            return FilterReply.NEUTRAL;
        }
        if (thrown == null && format.contains(NO_CONNECTORS)) {
            return FilterReply.DENY;
        }
        afterBindFailure.remove(); // the NPE ends the sequence; anything else ends it too
        return thrown instanceof NullPointerException ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    static boolean hasBindException(Throwable t) {
        for (int depth = 0; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable x ? x : null;
    }
}
