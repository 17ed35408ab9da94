package org.kumiki.platform.logback;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the WARN "Legacy webconsole plugin found" that the Apache Felix Web Console 5.0.x logs at
 * every start about its own plugins and Felix Inventory's (about ten lines on the operator's
 * terminal, nothing to act on). The same notice about any other bundle's plugin is logged as before.
 */
public final class WebConsoleLegacyNoticeFilter extends TurboFilter {

    static final String WEBCONSOLE = "org.apache.felix.webconsole";
    static final String NOTICE = "Legacy webconsole plugin found";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || logger == null || level != Level.WARN || !WEBCONSOLE.equals(logger.getName()) || !format.startsWith(NOTICE)
                || params == null || params.length != 1) {
            return FilterReply.NEUTRAL;
        }
        String about = String.valueOf(params[0]);
        return about.contains("from bundle org.apache.felix.webconsole:") || about.contains("from bundle org.apache.felix.inventory:")
                ? FilterReply.DENY
                : FilterReply.NEUTRAL;
    }
}
