package org.kumiki.platform.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;

class WebConsoleLegacyNoticeFilterTest {
    private final LoggerContext lc = new LoggerContext();
    private final WebConsoleLegacyNoticeFilter f = new WebConsoleLegacyNoticeFilter();
    private static final String FORMAT = "Legacy webconsole plugin found. Update this to the Jakarta Servlet API: {}";

    private FilterReply decide(String logger, Level level, String format, Object param) {
        return f.decide(null, lc.getLogger(logger), level, format, new Object[] {param}, null);
    }

    @Test
    void theConsolesOwnNoticesAreDroppedOthersKept() {
        assertEquals(FilterReply.DENY, decide("org.apache.felix.webconsole", Level.WARN, FORMAT,
                "Service 133([javax.servlet.Servlet]) from bundle org.apache.felix.webconsole:5.0.12(87)"));
        assertEquals(FilterReply.DENY, decide("org.apache.felix.webconsole", Level.WARN, FORMAT,
                "Service 131([javax.servlet.Servlet]) from bundle org.apache.felix.inventory:1.1.0(86)"));
        assertEquals(FilterReply.NEUTRAL, decide("org.apache.felix.webconsole", Level.WARN, FORMAT,
                "Service 200([javax.servlet.Servlet]) from bundle com.example.plugin:1.0.0(90)"));
        assertEquals(FilterReply.NEUTRAL, decide("org.apache.felix.webconsole", Level.ERROR, "Failed to instantiate plugin: {}", "x"));
        assertEquals(FilterReply.NEUTRAL, decide("com.example", Level.WARN, FORMAT, "from bundle org.apache.felix.webconsole:5.0.12(87)"));
        assertEquals(FilterReply.NEUTRAL, f.decide(null, lc.getLogger("org.apache.felix.webconsole"), Level.WARN, null, null, null));
    }
}
