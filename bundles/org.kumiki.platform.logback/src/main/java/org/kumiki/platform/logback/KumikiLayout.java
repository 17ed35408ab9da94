package org.kumiki.platform.logback;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * Kumiki's two log line formats, written out instead of compiled from a pattern: the same text as
 * Logback's {@code PatternLayout} with
 * <ul>
 * <li>{@link #console()}: {@value KumikiConfigurator#CONSOLE_PATTERN}</li>
 * <li>{@link #file()}: {@value KumikiConfigurator#FILE_PATTERN}</li>
 * </ul>
 * (and the stack trace PatternLayout appends when a pattern prints none), byte for byte
 * ({@code KumikiLayoutTest} compares them). {@code PatternLayout}'s class initialiser builds a
 * map of about 70 converter suppliers (one lambda class each) and its pattern compiler loads
 * another 80 classes: about 0.13 s of a cold start for two fixed patterns.
 */
final class KumikiLayout extends LayoutBase<ILoggingEvent> {

    private final String pattern;
    private final CachingDateFormatter date;
    private final boolean thread;
    /** null: the logger's full name. */
    private final TargetLengthBasedClassNameAbbreviator abbreviator;
    private ThrowableProxyConverter throwable;

    private KumikiLayout(String pattern, String datePattern, boolean thread, int loggerLength) {
        this.pattern = pattern;
        this.date = new CachingDateFormatter(datePattern);
        this.thread = thread;
        this.abbreviator = loggerLength > 0 ? new TargetLengthBasedClassNameAbbreviator(loggerLength) : null;
    }

    /** {@value KumikiConfigurator#CONSOLE_PATTERN} */
    static KumikiLayout console() {
        return new KumikiLayout(KumikiConfigurator.CONSOLE_PATTERN, "HH:mm:ss.SSS", false, 36);
    }

    /** {@value KumikiConfigurator#FILE_PATTERN} ({@code ISO8601} is Logback's name for this date pattern) */
    static KumikiLayout file() {
        return new KumikiLayout(KumikiConfigurator.FILE_PATTERN, CoreConstants.ISO8601_PATTERN, true, 0);
    }

    /** The Logback pattern this layout writes as. */
    String pattern() {
        return pattern;
    }

    @Override
    public void start() {
        // as PatternLayout's EnsureExceptionHandling
        boolean packaging = getContext() instanceof LoggerContext && ((LoggerContext) getContext()).isPackagingDataEnabled();
        ThrowableProxyConverter t = packaging ? new ExtendedThrowableProxyConverter() : new ThrowableProxyConverter();
        t.setContext(getContext());
        t.start();
        throwable = t;
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        if (!isStarted()) return CoreConstants.EMPTY_STRING; // as PatternLayout
        StringBuilder b = new StringBuilder(128);
        b.append(date.format(event.getTimeStamp())).append(' ');
        if (thread) b.append('[').append(event.getThreadName()).append("] ");
        String level = event.getLevel().toString();
        b.append(level);
        for (int i = level.length(); i < 5; i++) b.append(' ');
        b.append(' ');
        String logger = event.getLoggerName();
        b.append(logger == null ? "" : abbreviator == null ? logger : abbreviator.abbreviate(logger));
        b.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        b.append(throwable.convert(event));
        return b.toString();
    }
}
