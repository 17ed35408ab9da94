package org.kumiki.platform.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

/** KumikiLayout writes what Logback's PatternLayout writes for the same pattern, byte for byte. */
class KumikiLayoutTest {

    static PatternLayout patternLayout(LoggerContext lc, String pattern) {
        PatternLayout p = new PatternLayout();
        p.setContext(lc);
        p.setPattern(pattern);
        p.start();
        return p;
    }

    static List<ILoggingEvent> events(LoggerContext lc) {
        List<ILoggingEvent> events = new ArrayList<>();
        String[] loggers = {"org.kumiki.scheduler.internal.SchedulerImpl", "org.eclipse.jetty.ee10.servlet.ServletContextHandler",
                "short", "ROOT", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.Clazz"};
        Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
        IOException cause = new IOException("disk full");
        IllegalStateException failure = new IllegalStateException("journal not written", cause);
        failure.addSuppressed(new RuntimeException("close failed"));
        for (int i = 0; i < loggers.length; i++) {
            LoggingEvent e = new LoggingEvent("fqcn", lc.getLogger(loggers[i]), levels[i], "task {} of {}: {}",
                    i == 2 ? failure : null, new Object[] {i, "x", "Ångström 試料"});
            e.setThreadName(i == 1 ? "qtp1-[acceptor]" : "FelixStartLevel");
            e.setTimeStamp(1_764_900_000_000L + i * 3_600_123L);
            events.add(e);
        }
        LoggingEvent nullMessage = new LoggingEvent("fqcn", lc.getLogger("org.kumiki.x"), Level.WARN, null, new RuntimeException(), null);
        nullMessage.setThreadName("main");
        events.add(nullMessage);
        return events;
    }

    @Test
    void writesWhatPatternLayoutWritesForBothPatterns() {
        LoggerContext lc = new LoggerContext();
        lc.setMDCAdapter(new LogbackMDCAdapter());
        for (KumikiLayout layout : List.of(KumikiLayout.console(), KumikiLayout.file())) {
            layout.setContext(lc);
            layout.start();
            PatternLayout expected = patternLayout(lc, layout.pattern());
            for (ILoggingEvent e : events(lc)) {
                assertEquals(expected.doLayout(e), layout.doLayout(e), layout.pattern());
            }
        }
        // the events cover what matters: an abbreviated logger, a stack trace with its cause
        String console = KumikiLayout.console().pattern();
        assertEquals(KumikiConfigurator.CONSOLE_PATTERN, console);
        KumikiLayout c = KumikiLayout.console();
        c.setContext(lc);
        c.start();
        String text = String.join("", events(lc).stream().map(c::doLayout).toList());
        assertTrue(text.contains(" o.e.j.e.s.ServletContextHandler - "), text);
        assertTrue(text.contains("Caused by: java.io.IOException: disk full"), text);
        assertTrue(text.contains("Suppressed: java.lang.RuntimeException: close failed"), text);
    }
}
