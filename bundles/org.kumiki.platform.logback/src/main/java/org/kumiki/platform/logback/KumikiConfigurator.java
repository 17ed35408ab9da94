package org.kumiki.platform.logback;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import ch.qos.logback.core.util.FileSize;

/**
 * Kumiki's logging configuration, built in code: the same appenders, files, rolling and levels
 * as {@code kumiki-logback.xml} (the template shipped beside it), without Joran's XML parsing
 * and model classes at start-up (about 0.2 s and 400 classes less), and with the two line formats
 * written out by {@link KumikiLayout} rather than compiled by Logback's PatternLayout (about 0.1 s
 * and 170 classes less).
 * <ul>
 * <li>CONSOLE (stderr): {@code kumiki.console.level} (default WARN) and above;</li>
 * <li>FILE: {@code ${kumiki.log.dir:-log}/kumiki.log}, rolled daily and at 50 MB into
 * {@code kumiki.%d{yyyy-MM-dd}.%i.log.gz}, 14 days and 1 GB kept;</li>
 * <li>root level {@code kumiki.log.level} (default INFO);</li>
 * <li>{@link JettyBindFailureFilter} as a turbo filter.</li>
 * </ul>
 * Logback finds it through {@code META-INF/services} (this bundle is a fragment of
 * logback-classic). With {@code -Dlogback.configurationFile=...} it steps aside and Logback's
 * own Joran configurator reads that file, as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class KumikiConfigurator extends ContextAwareBase implements Configurator {

    public static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";
    static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";
    static final String FILE_PATTERN = "%d{ISO8601} [%thread] %-5level %logger - %msg%n";

    private final Function<String, String> properties;
    private final PrintStream err;

    /** The one Logback instantiates: system properties, then environment variables (as Joran's ${...}). */
    public KumikiConfigurator() {
        this(KumikiConfigurator::systemOrEnv, System.err);
    }

    KumikiConfigurator(Function<String, String> properties, PrintStream err) {
        this.properties = properties;
        this.err = err;
    }

    private static String systemOrEnv(String key) {
        String v = System.getProperty(key);
        return v != null ? v : System.getenv(key);
    }

    @Override
    public ExecutionStatus configure(LoggerContext lc) {
        String file = properties.apply(CONFIG_FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // Logback's DefaultJoranConfigurator reads it
        }
        lc.getStatusManager().add(new NopStatusListener()); // as the template's <statusListener>

        JettyBindFailureFilter turbo = new JettyBindFailureFilter();
        turbo.setContext(lc);
        turbo.start();
        lc.addTurboFilter(turbo);
        WebConsoleLegacyNoticeFilter webconsole = new WebConsoleLegacyNoticeFilter();
        webconsole.setContext(lc);
        webconsole.start();
        lc.addTurboFilter(webconsole);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(lc);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setContext(lc);
        threshold.setLevel(level("kumiki.console.level", Level.WARN).levelStr);
        threshold.start();
        console.addFilter(threshold);
        console.setEncoder(encoder(lc, KumikiLayout.console()));
        console.start();

        String dir = value("kumiki.log.dir", "log");
        RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
        rolling.setContext(lc);
        rolling.setName("FILE");
        rolling.setFile(dir + "/kumiki.log");
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(lc);
        policy.setParent(rolling);
        policy.setFileNamePattern(dir + "/kumiki.%d{yyyy-MM-dd}.%i.log.gz");
        policy.setMaxFileSize(FileSize.valueOf("50MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("1GB"));
        policy.start();
        rolling.setRollingPolicy(policy);
        rolling.setEncoder(encoder(lc, KumikiLayout.file()));
        rolling.start();

        Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("kumiki.log.level", Level.INFO));
        root.addAppender(console);
        root.addAppender(rolling);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** As a PatternLayoutEncoder of the layout's pattern (see {@link KumikiLayout}). */
    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext lc, KumikiLayout layout) {
        layout.setContext(lc);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(lc);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    private String value(String key, String fallback) {
        String v = properties.apply(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** A level property; a value that is not a level is said in one line and the default used. */
    Level level(String key, Level fallback) {
        String v = properties.apply(key);
        if (v == null || v.isBlank()) return fallback;
        String name = v.trim().toUpperCase(Locale.ROOT);
        Level level = Level.toLevel(name, null);
        if (level == null || !level.levelStr.equals(name)) {
            err.println("kumiki-logging: " + key + "=" + oneLine(v)
                    + " is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL); using " + fallback);
            return fallback;
        }
        return level;
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return "'" + b + (s.length() > 80 ? "...'" : "'");
    }
}
