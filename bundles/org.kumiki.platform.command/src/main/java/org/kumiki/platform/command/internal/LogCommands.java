package org.kumiki.platform.command.internal;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code kumiki:log} (viewer) and the helper of {@code kumiki:log-level} (admin; the
 * {@link LogLevelCommand} {@link Function} component, since Gogo cannot name a method with a '-').
 */
@Component(service = Object.class)
@GogoCommand(scope = "kumiki", function = {"log"})
public class LogCommands {

    static final String LEVEL_USAGE = "usage: kumiki:log-level [LOGGER [LEVEL]] (LEVEL: TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit; LOGGER: a name or ROOT)";
    static final int MAX_LINES = 10_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile LogAccess logs;

    LogAccess logs() {
        return logs(logs);
    }

    static LogAccess logs(LogAccess l) {
        if (l == null) {
            throw new IllegalStateException("no LogAccess service: the log is kept only where Logback is SLF4J's backend (bundles ch.qos.logback.classic and org.kumiki.platform active)");
        }
        return l;
    }

    @Descriptor("Show the last log entries (kept in memory since the container started), or follow new ones with -f until Ctrl-C")
    public String log(CommandSession session,
            @Descriptor("how many entries, 1 to 10000") @Parameter(names = {"-n", "--lines"}, absentValue = "50") int n,
            @Descriptor("lowest level shown: TRACE, DEBUG, INFO, WARN or ERROR") @Parameter(names = {"-l", "--level"}, absentValue = "") String level,
            @Descriptor("only loggers whose name starts with this") @Parameter(names = {"-g", "--logger"}, absentValue = "") String prefix,
            @Descriptor("follow: print new entries as they are logged, until Ctrl-C") @Parameter(names = {"-f", "--follow"}, presentValue = "true", absentValue = "false") boolean follow)
            throws InterruptedException {
        if (n < 1 || n > MAX_LINES) throw new IllegalArgumentException("-n must be between 1 and " + MAX_LINES + ", not " + n);
        LogAccess l = logs();
        long upto = l.lastSeq();
        List<LogEntryDTO> tail = l.tail(n, level, prefix);
        if (!follow) {
            if (tail.isEmpty()) return "no log entries" + (level.isEmpty() && prefix.isEmpty() ? "" : " match");
            return format(tail);
        }
        PrintStream out = System.out;
        if (!tail.isEmpty()) {
            out.print(format(tail));
            out.println();
        }
        out.flush();
        follow(l, out, upto, level, prefix);
        return null;
    }

    /** Prints what is logged after {@code seq} until the thread is interrupted (Ctrl-C) or the output fails. */
    static void follow(LogAccess l, PrintStream out, long seq, String level, String prefix) {
        long last = seq;
        try {
            while (!Thread.currentThread().isInterrupted() && !out.checkError()) {
                long now = l.awaitAfter(last, 1000);
                if (now <= last) continue;
                List<LogEntryDTO> batch = l.entriesAfter(last, 1000, level, prefix);
                if (batch.size() == 1000) last = batch.get(batch.size() - 1).seq;
                else last = Math.max(now, batch.isEmpty() ? now : batch.get(batch.size() - 1).seq);
                if (!batch.isEmpty()) {
                    out.println(format(batch));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String format(List<LogEntryDTO> entries) {
        StringBuilder sb = new StringBuilder();
        for (LogEntryDTO e : entries) {
            if (sb.length() > 0) sb.append('\n');
            sb.append(TIME.format(Instant.ofEpochMilli(e.time))).append(' ').append(String.format("%-5s", e.level))
                    .append(" [").append(Text.oneLine(e.thread)).append("] ").append(Text.oneLine(e.logger)).append(" - ");
            lines(sb, e.message);
            if (e.throwable != null && !e.throwable.isEmpty()) {
                sb.append('\n');
                lines(sb, e.throwable.stripTrailing());
            }
        }
        return sb.toString();
    }

    /** Multi-line text, each line made harmless for a terminal. */
    private static void lines(StringBuilder sb, String text) {
        String[] ls = (text == null ? "" : text).split("\r?\n", -1);
        for (int i = 0; i < ls.length; i++) {
            if (i > 0) sb.append('\n');
            sb.append(Text.oneLine(ls[i]));
        }
    }

    /** kumiki:log-level [LOGGER [LEVEL]] */
    static String logLevel(LogAccess logs, List<Object> args) {
        if (AccessCommands.help(args)) return LEVEL_USAGE;
        LogAccess l = logs(logs);
        switch (args.size()) {
            case 0: {
                TextTable t = new TextTable("LOGGER", "LEVEL");
                for (Map.Entry<String, String> e : l.levels().entrySet()) t.row(Text.oneLine(e.getKey()), e.getValue());
                return "loggers with a level set (the others inherit):\n" + t;
            }
            case 1: {
                String logger = String.valueOf(args.get(0));
                String effective = l.effectiveLevel(logger);
                String own = l.levels().get(logger.equalsIgnoreCase(LogAccess.ROOT) ? LogAccess.ROOT : logger);
                return Text.oneLine(logger) + ": " + effective + (own != null ? " (set here)" : " (inherited)");
            }
            case 2: {
                String logger = String.valueOf(args.get(0));
                String was = l.effectiveLevel(logger);
                l.setLevel(logger, String.valueOf(args.get(1)));
                return Text.oneLine(logger) + ": " + l.effectiveLevel(logger) + " (was " + was + ")";
            }
            default:
                throw new IllegalArgumentException(LEVEL_USAGE);
        }
    }
}
