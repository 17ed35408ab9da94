package org.kumiki.platform.internal;

import java.util.Dictionary;
import java.util.Hashtable;

import org.kumiki.platform.api.log.LogAccess;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the container's recent log in memory and registers {@link LogAccess}, where Logback is
 * SLF4J's backend (elsewhere it registers nothing and says so in one DEBUG line). Immediate, so
 * that {@code kumiki:log} shows the start-up: attaching the ring appender costs well under a
 * millisecond (see the bundle README).
 */
@Component(configurationPid = LogCapture.PID, immediate = true, service = {})
@Designate(ocd = LogCapture.Config.class)
public class LogCapture {

    static final String PID = "org.kumiki.platform.log";
    private static final Logger LOG = LoggerFactory.getLogger(LogCapture.class);

    @ObjectClassDefinition(name = "Kumiki log capture", description = "The recent log kept in memory for kumiki:log and the REST log stream")
    public @interface Config {
        @AttributeDefinition(name = "Entries", description = "How many of the last log entries are kept", min = "100", max = "1000000")
        int entries() default 10_000;

        @AttributeDefinition(name = "Characters", description = "At most this many characters are kept in all (oldest entries go first)", min = "100000")
        long max_chars() default 16_000_000L;
    }

    private final BundleContext context;
    private final Config config;
    private LogAccess access;
    private ServiceRegistration<LogAccess> registration;
    /** Nanoseconds the attach took (for the README's figure and the tests). */
    volatile long attachNanos = -1;

    @Activate
    public LogCapture(BundleContext context, Config config) {
        this.context = context;
        this.config = config;
    }

    @Activate
    void activate() {
        long t0 = System.nanoTime();
        Object factory = LoggerFactory.getILoggerFactory();
        Class<?> logback;
        try {
            logback = LogCapture.class.getClassLoader().loadClass("ch.qos.logback.classic.LoggerContext");
        } catch (ClassNotFoundException | LinkageError e) {
            logback = null;
        }
        if (logback == null || !logback.isInstance(factory)) {
            LOG.debug("SLF4J logs through {}, not Logback: no LogAccess service (kumiki:log is not available)", factory.getClass().getName());
            return;
        }
        int entries = Math.max(100, Math.min(1_000_000, config.entries()));
        access = LogbackLogAccess.attach(factory, entries, Math.max(100_000L, config.max_chars()));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("entries", entries);
        registration = context.registerService(LogAccess.class, access, props);
        attachNanos = System.nanoTime() - t0;
        LOG.debug("keeping the last {} log entries in memory (attached in {} us)", entries, attachNanos / 1000);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            registration = null;
        }
        if (access != null) {
            LogbackLogAccess.detach(access);
            access = null;
        }
    }
}
