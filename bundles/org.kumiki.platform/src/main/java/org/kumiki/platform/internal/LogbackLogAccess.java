package org.kumiki.platform.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/**
 * {@link LogAccess} over Logback: a ring appender on the root logger keeps the last entries in
 * memory (bounded in count and in characters), and levels are Logback's. Loaded only where
 * Logback is present ({@link LogCapture} checks first).
 */
final class LogbackLogAccess implements LogAccess {

    static final String APPENDER = "KUMIKI-RING";
    static final Pattern LOGGER = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.:/-]{0,255}");
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LogbackLogAccess.class);
    private static final String VALID_LEVELS = "TRACE, DEBUG, INFO, WARN, ERROR, OFF";

    private final LoggerContext context;
    private final Ring ring;

    private LogbackLogAccess(LoggerContext context, int entries, long maxChars) {
        this.context = context;
        this.ring = new Ring(entries, maxChars);
    }

    /** Attaches a ring of {@code entries} to the root logger of {@code factory} (a Logback LoggerContext). */
    static LogAccess attach(Object factory, int entries, long maxChars) {
        LogbackLogAccess a = new LogbackLogAccess((LoggerContext) factory, entries, maxChars);
        a.ring.setContext(a.context);
        a.ring.setName(APPENDER);
        a.ring.start();
        a.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a.ring);
        return a;
    }

    /** Detaches the ring (the service is going away). */
    static void detach(LogAccess access) {
        if (access instanceof LogbackLogAccess a) {
            a.context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(a.ring);
            a.ring.stop();
        }
    }

    /** One kept entry; the level as an index of {@link #LEVELS}. */
    record Entry(long seq, long time, int level, String logger, String thread, String message, String throwable) {
        int chars() {
            return 64 + logger.length() + thread.length() + message.length() + (throwable == null ? 0 : throwable.length());
        }

        LogEntryDTO dto() {
            LogEntryDTO d = new LogEntryDTO();
            d.seq = seq;
            d.time = time;
            d.level = LEVELS.get(level);
            d.logger = logger;
            d.thread = thread;
            d.message = message;
            d.throwable = throwable;
            return d;
        }
    }

    /** The ring: a circular array, contiguous sequence numbers, evicts the oldest by count and by characters. */
    static final class Ring extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final Entry[] buf;
        private final long maxChars;
        private int head;
        private int count;
        private long chars;
        private long lastSeq;

        Ring(int capacity, long maxChars) {
            this.buf = new Entry[capacity];
            this.maxChars = maxChars;
        }

        @Override
        protected void append(ILoggingEvent e) {
            int level = levelIndex(e.getLevel());
            if (level < 0) return;
            String msg = cut(e.getFormattedMessage(), MAX_MESSAGE_CHARS);
            IThrowableProxy tp = e.getThrowableProxy();
            String thrown = tp == null ? null : cut(ThrowableProxyUtil.asString(tp), MAX_THROWABLE_CHARS);
            String logger = e.getLoggerName() == null ? "" : e.getLoggerName();
            String thread = e.getThreadName() == null ? "" : e.getThreadName();
            synchronized (this) {
                Entry entry = new Entry(++lastSeq, e.getTimeStamp(), level, logger, thread, msg, thrown);
                if (count == buf.length) removeOldest();
                buf[(head + count) % buf.length] = entry;
                count++;
                chars += entry.chars();
                while (chars > maxChars && count > 1) removeOldest();
                notifyAll();
            }
        }

        private void removeOldest() {
            chars -= buf[head].chars();
            buf[head] = null;
            head = (head + 1) % buf.length;
            count--;
        }

        synchronized long lastSeq() {
            return lastSeq;
        }

        /** Entries matching, newest {@code max} of them when {@code after} is negative, else the oldest {@code max} after it. */
        synchronized List<Entry> select(long after, int max, int minLevel, String prefix) {
            List<Entry> out = new ArrayList<>();
            if (count == 0 || max <= 0) return out;
            if (after < 0) {
                for (int i = count - 1; i >= 0 && out.size() < max; i--) {
                    Entry en = buf[(head + i) % buf.length];
                    if (matches(en, minLevel, prefix)) out.add(en);
                }
                Collections.reverse(out);
                return out;
            }
            long first = buf[head].seq();
            int start = (int) Math.max(0, Math.min(count, after - first + 1));
            for (int i = start; i < count && out.size() < max; i++) {
                Entry en = buf[(head + i) % buf.length];
                if (matches(en, minLevel, prefix)) out.add(en);
            }
            return out;
        }

        synchronized long await(long seq, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
            while (lastSeq <= seq) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) break;
                wait(left);
            }
            return lastSeq;
        }

        private static boolean matches(Entry e, int minLevel, String prefix) {
            return e.level() >= minLevel && (prefix == null || e.logger().startsWith(prefix));
        }
    }

    static String cut(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max) + " ... (" + (s.length() - max) + " more characters)";
    }

    static int levelIndex(Level level) {
        if (level == null) return -1;
        switch (level.toInt()) {
            case Level.TRACE_INT: return 0;
            case Level.DEBUG_INT: return 1;
            case Level.INFO_INT: return 2;
            case Level.WARN_INT: return 3;
            case Level.ERROR_INT: return 4;
            default: return -1;
        }
    }

    /** Index of a minimum level (null or empty: 0). */
    static int minLevel(String level) {
        if (level == null || level.isBlank()) return 0;
        int i = LEVELS.indexOf(level.strip().toUpperCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("unknown level '" + Text.oneLine(level) + "': use TRACE, DEBUG, INFO, WARN or ERROR");
        }
        return i;
    }

    static String prefix(String p) {
        if (p == null || p.isEmpty()) return null;
        if (p.length() > 256) throw new IllegalArgumentException("logger prefix longer than 256 characters");
        return p;
    }

    static void checkMax(int max) {
        if (max < 1) throw new IllegalArgumentException("max must be at least 1, not " + max);
    }

    @Override
    public List<LogEntryDTO> tail(int max, String minLevel, String loggerPrefix) {
        checkMax(max);
        return dtos(ring.select(-1, max, minLevel(minLevel), prefix(loggerPrefix)));
    }

    @Override
    public List<LogEntryDTO> entriesAfter(long seq, int max, String minLevel, String loggerPrefix) {
        checkMax(max);
        return dtos(ring.select(Math.max(0, seq), max, minLevel(minLevel), prefix(loggerPrefix)));
    }

    private static List<LogEntryDTO> dtos(List<Entry> entries) {
        List<LogEntryDTO> out = new ArrayList<>(entries.size());
        for (Entry e : entries) out.add(e.dto());
        return out;
    }

    @Override
    public long lastSeq() {
        return ring.lastSeq();
    }

    @Override
    public long awaitAfter(long seq, long timeoutMillis) throws InterruptedException {
        return ring.await(seq, timeoutMillis);
    }

    @Override
    public Map<String, String> levels() {
        Map<String, String> out = new TreeMap<>();
        for (Logger l : context.getLoggerList()) {
            if (l.getLevel() != null) out.put(l.getName(), l.getLevel().toString());
        }
        return out;
    }

    static String checkLogger(String logger) {
        if (logger == null || logger.isBlank()) throw new IllegalArgumentException("no logger name given (ROOT for the root logger)");
        String l = logger.strip();
        if (l.equalsIgnoreCase(ROOT)) return Logger.ROOT_LOGGER_NAME;
        if (!LOGGER.matcher(l).matches()) {
            throw new IllegalArgumentException("bad logger name '" + Text.oneLine(logger)
                    + "': letters, digits and . _ $ - : / only, at most 256 (ROOT for the root logger)");
        }
        return l;
    }

    @Override
    public String effectiveLevel(String logger) {
        String n = checkLogger(logger);
        while (true) {
            Logger l = context.exists(n);
            if (l != null) return l.getEffectiveLevel().toString();
            int dot = n.lastIndexOf('.');
            if (dot <= 0) return context.getLogger(Logger.ROOT_LOGGER_NAME).getEffectiveLevel().toString();
            n = n.substring(0, dot);
        }
    }

    @Override
    public void setLevel(String logger, String level) {
        String n = checkLogger(logger);
        Level to;
        if (level == null || level.isBlank() || level.strip().equalsIgnoreCase("inherit")) {
            if (n.equals(Logger.ROOT_LOGGER_NAME)) {
                throw new IllegalArgumentException("the root logger has no parent to inherit from: give it a level (" + VALID_LEVELS + ")");
            }
            to = null;
        } else {
            String u = level.strip().toUpperCase(Locale.ROOT);
            if (!LEVELS.contains(u) && !u.equals("OFF")) {
                throw new IllegalArgumentException("unknown level '" + Text.oneLine(level) + "': use " + VALID_LEVELS + " or inherit");
            }
            to = Level.toLevel(u);
        }
        Logger l = context.getLogger(n);
        Level was = l.getLevel();
        l.setLevel(to);
        LOG.info("log level of {} set to {} (was {})", n, to == null ? "inherit (" + l.getEffectiveLevel() + ")" : to, was == null ? "inherited" : was);
    }
}
