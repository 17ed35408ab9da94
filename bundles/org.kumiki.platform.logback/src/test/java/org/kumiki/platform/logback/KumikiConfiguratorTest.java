package org.kumiki.platform.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;

class KumikiConfiguratorTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private LoggerContext programmatic(Map<String, String> props) {
        LoggerContext lc = new LoggerContext();
        lc.setMDCAdapter(new LogbackMDCAdapter()); // as LogbackServiceProvider does
        KumikiConfigurator c = new KumikiConfigurator(props::get, err);
        c.setContext(lc);
        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, c.configure(lc));
        return lc;
    }

    private static LoggerContext joran(Map<String, String> props) throws Exception {
        LoggerContext lc = new LoggerContext();
        props.forEach(lc::putProperty);
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(lc);
        URL xml = KumikiConfigurator.class.getResource("/logback.xml");
        assertNotNull(xml, "logback.xml shipped");
        jc.doConfigure(xml);
        return lc;
    }

    /** What a configuration amounts to: appenders, their filters, encoders, files, rolling, levels. */
    private static List<String> describe(LoggerContext lc) throws Exception {
        List<String> d = new ArrayList<>();
        Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
        d.add("root " + root.getLevel());
        lc.getTurboFilterList().forEach(f -> d.add("turbo " + f.getClass().getName() + " started=" + f.isStarted()));
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
            Appender<ILoggingEvent> a = it.next();
            d.add("appender " + a.getName() + " " + a.getClass().getName() + " started=" + a.isStarted());
            a.getCopyOfAttachedFiltersList().forEach(f -> d.add("  filter " + f.getClass().getName() + " "
                    + (f instanceof ThresholdFilter t ? field(t, "level") : "")));
            if (a instanceof ConsoleAppender<ILoggingEvent> c) {
                d.add("  target " + c.getTarget());
                d.add("  pattern " + pattern(c.getEncoder()));
            }
            if (a instanceof RollingFileAppender<ILoggingEvent> r) {
                d.add("  file " + r.getFile());
                d.add("  pattern " + pattern(r.getEncoder()));
                SizeAndTimeBasedRollingPolicy<?> p = (SizeAndTimeBasedRollingPolicy<?>) r.getRollingPolicy();
                d.add("  rolling " + p.getFileNamePattern() + " max " + field(p, "maxFileSize") + " history "
                        + p.getMaxHistory() + " cap " + field(p, "totalSizeCap") + " started=" + p.isStarted()
                        + " triggering=" + (r.getTriggeringPolicy() == p));
            }
        }
        return d;
    }

    /** The pattern an encoder writes: Joran's PatternLayoutEncoder's, or the one KumikiLayout stands for. */
    private static String pattern(Encoder<ILoggingEvent> e) {
        if (e instanceof PatternLayoutEncoder p) return p.getPattern();
        if (e instanceof LayoutWrappingEncoder<ILoggingEvent> w && w.getLayout() instanceof KumikiLayout k) {
            return k.pattern() + " (KumikiLayout, started=" + k.isStarted() + ")";
        }
        return "? " + e;
    }

    private static Object field(Object o, String name) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no field " + name + " in " + o.getClass());
    }

    @Test
    void buildsWhatTheShippedLogbackXmlDescribes(@TempDir Path dir) throws Exception {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("kumiki.log.dir", dir.toString());
        List<String> fromCode = describe(programmatic(defaults));
        assertEquals(describe(joran(defaults)).stream().map(l -> l.startsWith("  pattern ") ? l + " (KumikiLayout, started=true)" : l).toList(),
                fromCode);
        assertTrue(fromCode.contains("root INFO"), fromCode.toString());
        assertTrue(fromCode.contains("  file " + dir + "/kumiki.log"), fromCode.toString());

        Map<String, String> set = new HashMap<>(defaults);
        set.put("kumiki.log.level", "DEBUG");
        set.put("kumiki.console.level", "info");
        List<String> levels = describe(programmatic(set));
        assertEquals(describe(joran(set)).stream().map(l -> l.startsWith("  pattern ") ? l + " (KumikiLayout, started=true)" : l).toList(),
                levels);
        assertTrue(levels.contains("root DEBUG"), levels.toString());
        assertTrue(levels.contains("  filter ch.qos.logback.classic.filter.ThresholdFilter INFO"), levels.toString());
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesInfoAndAboveToTheLogFile(@TempDir Path dir) throws Exception {
        LoggerContext lc = programmatic(Map.of("kumiki.log.dir", dir.toString(), "kumiki.console.level", "OFF"));
        Logger log = lc.getLogger("org.kumiki.test");
        log.info("hello {}", "file");
        log.debug("not written");
        lc.stop();
        String text = Files.readString(dir.resolve("kumiki.log"));
        assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d[,.]\\d{3} \\[[^]]+\\] INFO  org\\.kumiki\\.test - hello file\\R"), text);
        assertFalse(text.contains("not written"), text);
    }

    @Test
    void stepsAsideForLogbackConfigurationFile() {
        LoggerContext lc = new LoggerContext();
        KumikiConfigurator c = new KumikiConfigurator(Map.of(KumikiConfigurator.CONFIG_FILE_PROPERTY, "/etc/other.xml")::get, err);
        c.setContext(lc);
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, c.configure(lc));
        assertFalse(lc.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext(), "no appender added");
        assertTrue(lc.getTurboFilterList().isEmpty());
    }

    @Test
    void aBadLevelIsOneLineAndTheDefault(@TempDir Path dir) throws Exception {
        LoggerContext lc = programmatic(Map.of("kumiki.log.dir", dir.toString(), "kumiki.log.level", "LOUD\u001b[2J",
                "kumiki.console.level", "warning"));
        assertEquals(Level.INFO, lc.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        String e = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(
                "kumiki-logging: kumiki.console.level='warning' is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL); using WARN",
                "kumiki-logging: kumiki.log.level='LOUD\\u001b[2J' is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL); using INFO"),
                e.lines().toList());
        lc.stop();
    }

    @Test
    void logbackFindsItAsAService() {
        List<Configurator> found = new ArrayList<>();
        ServiceLoader.load(Configurator.class, KumikiConfigurator.class.getClassLoader()).forEach(found::add);
        assertEquals(1, found.size(), found.toString());
        assertInstanceOf(KumikiConfigurator.class, found.get(0));
    }
}
