package org.kumiki.scheduler.pilot.internal;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code sched:pilot start|stop} and {@code sched:pilots}. */
@Component(service = Object.class)
@GogoCommand(scope = "sched", function = {"pilot", "pilots"})
public class PilotCommands {

    static final String USAGE = "start --backend NAME --nodes N --walltime TIME [--workers-per-node K] [--slots S] [--partition P]  |  stop ID\n"
            + "  --walltime: seconds, 90s, 30m, 2h, MM:SS or HH:MM:SS\n"
            + "  --slots: tasks each worker runs at a time (default 8)";

    private final PilotManager manager;

    @Activate
    public PilotCommands(@Reference PilotManager manager) {
        this.manager = manager;
    }

    @Descriptor("Start or stop a pilot: long-lived workers in one allocation that run tasks routed with --backend pilot")
    public String pilot(@Descriptor(USAGE) String... args) {
        if (args == null || args.length == 0) throw new IllegalArgumentException("usage: sched:pilot " + USAGE.lines().findFirst().orElse(""));
        switch (args[0]) {
            case "start" -> {
                PilotManager.PilotInfo i = manager.startPilot(parse(args));
                return "Pilot " + i.id + " submitted as " + i.taskId + " on " + i.backend + " (" + i.workersExpected + " worker(s))\n";
            }
            case "stop" -> {
                if (args.length != 2) throw new IllegalArgumentException("usage: sched:pilot stop ID");
                PilotManager.PilotInfo i = manager.stopPilot(args[1]);
                return "Pilot " + i.id + " " + i.state + "\n";
            }
            default -> throw new IllegalArgumentException("unknown action '" + shown(args[0]) + "': sched:pilot start ... or sched:pilot stop ID");
        }
    }

    @Descriptor("List pilots: id, backend job, nodes, workers, state, tasks running and done")
    public String pilots() {
        List<PilotManager.PilotInfo> list = manager.pilots();
        if (list.isEmpty()) return "No pilots.\n";
        TextTable t = new TextTable("ID", "TASK", "BACKEND", "JOB", "NODES", "WORKERS", "STATE", "RUNNING", "DONE");
        for (PilotManager.PilotInfo i : list) {
            t.row(i.id, i.taskId, i.backend, i.backendJobId == null ? "-" : i.backendJobId, i.nodes,
                    i.workersConnected + "/" + i.workersExpected, i.state, i.running, i.done);
        }
        return t.toString();
    }

    static PilotManager.StartOptions parse(String[] args) {
        PilotManager.StartOptions o = new PilotManager.StartOptions();
        boolean walltime = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i] == null ? "" : args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (!List.of("--backend", "--nodes", "--walltime", "--workers-per-node", "--slots", "--partition").contains(a)) {
                throw new IllegalArgumentException("unknown option '" + shown(a) + "' for sched:pilot start (options: --backend, --nodes, --walltime, --workers-per-node, --slots, --partition)");
            }
            if (v == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
                v = args[++i];
            }
            switch (a) {
                case "--backend" -> o.backend = v.trim();
                case "--nodes" -> o.nodes = integer(a, v);
                case "--workers-per-node" -> o.workersPerNode = integer(a, v);
                case "--slots" -> o.slots = integer(a, v);
                case "--partition" -> o.partition = v.trim();
                default -> {
                    o.walltimeSeconds = walltime(v);
                    walltime = true;
                }
            }
        }
        if (o.backend == null) throw new IllegalArgumentException("--backend is required (e.g. --backend slurm)");
        if (!walltime) throw new IllegalArgumentException("--walltime is required (e.g. --walltime 1h)");
        return o;
    }

    static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + shown(v) + "'");
        }
    }

    /** Seconds from 90, 90s, 30m, 2h, MM:SS or HH:MM:SS; negative or zero values are rejected by the manager. */
    static long walltime(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.contains(":")) {
                String[] p = s.split(":", -1);
                if (p.length > 3) throw new NumberFormatException();
                long t = 0;
                for (String x : p) t = t * 60 + Long.parseLong(x);
                if (s.startsWith("-")) return -1;
                return t;
            }
            long mult = 1;
            if (s.endsWith("s")) s = s.substring(0, s.length() - 1);
            else if (s.endsWith("m")) { mult = 60; s = s.substring(0, s.length() - 1); }
            else if (s.endsWith("h")) { mult = 3600; s = s.substring(0, s.length() - 1); }
            long n = Long.parseLong(s);
            if (n > Long.MAX_VALUE / mult) throw new NumberFormatException();
            return n * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--walltime must be like 90s, 30m, 2h or 1:30:00, not '" + shown(v) + "'");
        }
    }

    static String shown(String s) {
        String t = s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 64 ? t.substring(0, 64) + "..." : t;
    }
}
