package org.kumiki.platform.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogService;
import org.osgi.service.log.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi {@code LogService} (R6 methods) for one bundle, forwarding to the SLF4J logger named
 * after it: DEBUG and INFO as such (the site's Logback levels decide), WARNING as warn, ERROR as
 * error. The R7 logger methods are not offered (only the Configurator sees this service, and it
 * uses {@code log(int, String, Throwable)}).
 */
@SuppressWarnings("deprecation")
final class Slf4jLogService implements LogService {

    private final org.slf4j.Logger log;

    Slf4jLogService(String bundle) {
        this.log = LoggerFactory.getLogger(bundle == null ? "osgi" : bundle);
    }

    @Override
    public void log(int level, String message) {
        log(level, message, null);
    }

    @Override
    public void log(int level, String message, Throwable exception) {
        switch (level) {
            case LOG_ERROR -> log.error("{}", message, exception);
            case LOG_WARNING -> log.warn("{}", message, exception);
            case LOG_INFO -> log.info("{}", message, exception);
            default -> log.debug("{}", message, exception);
        }
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message) {
        log(level, message, null);
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message, Throwable exception) {
        log(level, message, exception);
    }

    @Override
    public Logger getLogger(String name) {
        throw new UnsupportedOperationException("LoggerFactory methods are not offered");
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        throw new UnsupportedOperationException("LoggerFactory methods are not offered");
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        throw new UnsupportedOperationException("LoggerFactory methods are not offered");
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        throw new UnsupportedOperationException("LoggerFactory methods are not offered");
    }

    @Override
    public <L extends Logger> L getLogger(Bundle bundle, String name, Class<L> loggerType) {
        throw new UnsupportedOperationException("LoggerFactory methods are not offered");
    }

}
