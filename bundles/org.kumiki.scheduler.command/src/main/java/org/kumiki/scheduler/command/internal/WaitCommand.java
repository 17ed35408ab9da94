package org.kumiki.scheduler.command.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.scheduler.api.Scheduler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code sched:wait [-t TIMEOUT] ID [ID...]}.
 *
 * <p>This is a {@link Function}, so Gogo hands it the arguments as they are instead of
 * matching them against methods named {@code wait}: by reflection Gogo would pick
 * {@code Object.wait()}, {@code wait(long)} or {@code wait(long, int)} for no or numeric
 * arguments and fail with an IllegalMonitorStateException. The {@link #wait(String, String...)}
 * method is what {@code help sched:wait} describes; it behaves the same.
 */
@Component(service = Object.class)
@GogoCommand(scope = "sched", function = {"wait"})
public class WaitCommand implements Function {

    static final String USAGE = "sched:wait [-t TIMEOUT] ID [ID...]";

    private final SchedulerCommands commands;

    @Activate
    public WaitCommand(@Reference Scheduler scheduler) {
        this(new SchedulerCommands(scheduler, Clock.systemUTC()));
    }

    WaitCommand(SchedulerCommands commands) {
        this.commands = commands;
    }

    @Descriptor("Wait until tasks end (no retry left) and print their final states")
    public String wait(
            @Descriptor("give up after this long: seconds, or 90s, 5m, 2h, 1:30:00 (default: no limit)") @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
            @Descriptor("task ids to wait for") String... ids) {
        return commands.waitFor(timeout, ids);
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        String timeout = null;
        List<String> ids = new ArrayList<>();
        boolean options = true;
        List<Object> args = arguments == null ? List.of() : arguments;
        for (int i = 0; i < args.size(); i++) {
            String a = String.valueOf(args.get(i));
            if (options && a.equals("--")) {
                options = false;
            } else if (options && (a.equals("-h") || a.equals("--help"))) {
                return USAGE + "\n  -t, --timeout TIMEOUT   give up after this long: seconds, or 90s, 5m, 2h, 1:30:00 (default: no limit)\n";
            } else if (options && (a.equals("-t") || a.equals("--timeout") || a.startsWith("--timeout="))) {
                String v;
                if (a.startsWith("--timeout=")) {
                    v = a.substring("--timeout=".length());
                } else {
                    if (i + 1 >= args.size()) throw new IllegalArgumentException("option -t/--timeout needs a value (seconds, or 90s, 5m, 2h)");
                    v = String.valueOf(args.get(++i));
                }
                if (timeout != null) throw new IllegalArgumentException("option -t/--timeout given more than once");
                timeout = v;
                if (timeout.isEmpty()) throw Parse.invalid("--timeout", v, "expected seconds, or a duration such as 90s, 5m or 2h");
            } else if (options && a.startsWith("-") && a.length() > 1) {
                throw new IllegalArgumentException("unknown option '" + Parse.shown(a) + "' for " + USAGE);
            } else {
                ids.add(a);
            }
        }
        return commands.waitFor(timeout == null ? "" : timeout, ids.toArray(new String[0]));
    }
}
