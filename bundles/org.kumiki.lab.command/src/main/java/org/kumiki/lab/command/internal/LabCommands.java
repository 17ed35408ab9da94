package org.kumiki.lab.command.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.text.Options;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The {@code lab} Gogo scope over the RunEngine and the plan library. */
@Component(service = Object.class)
@GogoCommand(scope = "lab", function = {"devices", "read", "set", "plan", "pause", "resume", "finish", "abort", "estop", "reset", "state", "runs", "docs"})
public class LabCommands {

    static final String PLAN_USAGE = "NAME [KEY=VALUE...]\n"
            + "  count      dets=D1,D2 [num=N] [delay=SECONDS]\n"
            + "  scan       dets=D motor=M start=X stop=Y num=N\n"
            + "  grid_scan  dets=D axes=M1:START:STOP:NUM,M2:START:STOP:NUM [snake=true|false]\n"
            + "  list_scan  dets=D points=M1:V:V:V,M2:V:V:V (every motor the same number of values)\n"
            + "  md.KEY=VALUE adds KEY to the start document. --wait waits for the run to end.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunEngine engine;
    private final Plans plans;

    @Activate
    public LabCommands(@Reference RunEngine engine, @Reference Plans plans) {
        this.engine = engine;
        this.plans = plans;
    }

    @Descriptor("List the instruments: kind, vendor, location, capabilities, connection, owner, limits")
    public String devices() {
        List<DeviceDTO> l = engine.devices();
        if (l.isEmpty()) return "No devices.\n";
        TextTable t = new TextTable("NAME", "KIND", "VENDOR", "LOCATION", "CAPABILITIES", "CONNECTED", "OWNER", "LIMITS");
        for (DeviceDTO d : l) {
            String lim = d.limits == null || (d.limits.low == null && d.limits.high == null) ? "" : "[" + num(d.limits.low) + ", " + num(d.limits.high) + "]";
            t.row(d.name, nz(d.kind), nz(d.vendor), nz(d.location), String.join(",", d.capabilities), d.connected ? "yes" : "NO", nz(d.lockedBy), lim);
        }
        return t.toString();
    }

    @Descriptor("Read one or more devices")
    public String read(@Descriptor("device names") String... names) throws DeviceException {
        if (names == null || names.length == 0) throw new IllegalArgumentException("usage: lab:read DEVICE...");
        TextTable t = new TextTable("KEY", "VALUE", "TIMESTAMP");
        for (String n : names) {
            Map<String, ReadingDTO> r;
            try {
                r = engine.read(word(n, "device"));
            } catch (DeviceException e) {
                throw deviceError(e);
            }
            for (Map.Entry<String, ReadingDTO> e : r.entrySet()) {
                t.row(e.getKey(), value(e.getValue().value), String.format(Locale.ROOT, "%.6f", e.getValue().timestamp));
            }
        }
        return t.toString();
    }

    @Descriptor("Move a device and wait until it arrives (soft limits, locks and the emergency stop apply)")
    public String set(
            @Descriptor("how long to wait for arrival: seconds or 90s, 5m, 1h (default 60, at most 1d)") @Parameter(names = {"-t", "--timeout"}, absentValue = "60") String timeout,
            @Descriptor("device name") String device,
            @Descriptor("set point: a number, or a JSON object for devices that take recipes") String value) throws DeviceException {
        long ms = Options.duration("--timeout", timeout, java.time.Duration.ofMillis(1), java.time.Duration.ofDays(1)).toMillis();
        Object v = parseValue(value);
        try {
            engine.set(word(device, "device"), v, ms);
        } catch (DeviceException e) {
            throw deviceError(e);
        }
        return "set " + device + " to " + value(v) + "\n" + read(device);
    }

    @Descriptor("Run a ready-made plan: count, scan, grid_scan, list_scan")
    public String plan(
            @Descriptor("wait for the run to end and print its summary") @Parameter(names = {"-w", "--wait"}, presentValue = "true", absentValue = "false") boolean wait,
            @Descriptor(PLAN_USAGE) String... args) throws RunRejectedException {
        if (args == null || args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            throw new IllegalArgumentException("usage: lab:plan " + PLAN_USAGE.replace("\n", "; "));
        }
        String name = args[0];
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a == null ? -1 : a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("arguments are KEY=VALUE, not '" + Text.shown(a) + "'");
            String k = a.substring(0, eq);
            if (kv.containsKey(k)) throw new IllegalArgumentException("argument " + k + " given twice");
            kv.put(k, a.substring(eq + 1));
        }
        if (name.equals("list_scan") && kv.containsKey("points")) kv.put("points", listScanPoints(kv.get("points")));
        Plan p = plans.create(name, kv);
        CompletableFuture<RunSummaryDTO> f = engine.submit(p).toCompletableFuture();
        if (wait) {
            try {
                RunSummaryDTO s = f.get();
                return s == null ? "The plan ended without a run.\n" : runsTable(List.of(s));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted; the run goes on");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the plan failed: " + Text.oneLine(String.valueOf(e.getCause().getMessage())));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.currentRun().isEmpty() && !f.isDone() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (f.isDone()) {
            try {
                RunSummaryDTO s = f.get(0, TimeUnit.SECONDS);
                return s == null ? "The plan ended without a run.\n" : runsTable(List.of(s));
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                throw new IllegalStateException("the plan failed: " + Text.oneLine(String.valueOf(e.getCause() == null ? e : e.getCause().getMessage())));
            }
        }
        return "Started " + name + ": run " + engine.currentRun().orElse("(opening)") + "\n";
    }

    @Descriptor("Pause the run: at the next checkpoint (default) or now (-i: moving devices stop, resume rewinds to the last checkpoint; "
            + "returns once the run is paused)")
    public String pause(@Descriptor("pause now") @Parameter(names = {"-i", "--immediate"}, presentValue = "true", absentValue = "false") boolean immediate) {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to pause (" + engine.state() + ")");
        engine.pause(!immediate);
        if (!immediate) return "Pausing at the next checkpoint (" + engine.state() + ")\n";
        // the run thread stops the moving devices first: wait, so the next command sees PAUSED
        awaitState("pause", EngineState.PAUSED, EngineState.SUSPENDED, EngineState.IDLE);
        EngineState s = engine.state();
        return switch (s) {
            case PAUSED -> "Paused (PAUSED)\n";
            case SUSPENDED -> "Suspended: the run pauses when the suspension clears (SUSPENDED)\n";
            default -> "The run ended before it paused (" + s + ")\n";
        };
    }

    /** How long pause -i and abort wait for the engine to get there (devices' stop() calls, closing the run). */
    static final long CONTROL_WAIT_MS = 30_000;

    private void awaitState(String what, EngineState... states) {
        try {
            if (!engine.awaitState(CONTROL_WAIT_MS, states)) {
                throw new IllegalStateException(what + " asked, but the engine is still " + engine.state() + " after " + CONTROL_WAIT_MS / 1000 + " s: see lab:state");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted; " + what + " asked, the engine is " + engine.state());
        }
    }

    @Descriptor("Resume a paused run")
    public String resume() throws RunRejectedException {
        engine.resume();
        return "Resumed (" + engine.state() + ")\n";
    }

    /*
     * Not "stop": an unscoped "stop" must stay the framework's (felix:stop), so that "stop 0", the
     * documented way out of the shell, is not taken by this command and refused.
     */
    @Descriptor("End the run cleanly now (Bluesky's RE.stop(): exit status success)")
    public String finish() {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to finish (" + engine.state() + ")");
        engine.stop();
        return "Stopping\n";
    }

    @Descriptor("Abort the run (moving devices stop; exit status abort); returns once the run has ended")
    public String abort(@Descriptor("reason") String... reason) {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to abort (" + engine.state() + ")");
        engine.abort(reason == null || reason.length == 0 ? "aborted from the shell" : String.join(" ", reason));
        // the run stops its devices and writes its stop document first: wait, so the next plan is not refused as busy
        awaitState("abort", EngineState.IDLE);
        return "Aborted (IDLE)\n";
    }

    @Descriptor("EMERGENCY STOP: stop every stoppable device now, abort the run, refuse motion until lab:reset")
    public String estop(@Descriptor("reason") String... reason) {
        List<String> failed = engine.emergencyStop(reason == null || reason.length == 0 ? "emergency stop from the shell" : String.join(" ", reason));
        return failed.isEmpty() ? "EMERGENCY STOP: every stoppable device stopped; motion refused until lab:reset\n"
                : "EMERGENCY STOP: these devices did not confirm the stop: " + String.join(", ", failed) + "; motion refused until lab:reset\n";
    }

    @Descriptor("Clear the emergency stop")
    public String reset() {
        boolean was = engine.emergencyStopActive();
        engine.reset();
        return was ? "Emergency stop cleared\n" : "No emergency stop was active\n";
    }

    @Descriptor("Show the engine state, the open run, the emergency stop and the suspenders")
    public String state() {
        StringBuilder sb = new StringBuilder();
        sb.append("state: ").append(engine.state()).append('\n');
        sb.append("run: ").append(engine.currentRun().orElse("-")).append('\n');
        sb.append("emergency stop: ").append(engine.emergencyStopActive() ? "ACTIVE" : "clear").append('\n');
        engine.suspenders().forEach((id, s) -> sb.append("suspender ").append(id).append(": ").append(s.device).append(" in [").append(num(s.low)).append(", ")
                .append(num(s.high)).append("] hysteresis ").append(num(s.hysteresis)).append('\n'));
        return sb.toString();
    }

    @Descriptor("List runs, newest first")
    public String runs(@Descriptor("at most N runs (0 = all)") @Parameter(names = {"-n", "--limit"}, absentValue = "20") String limit) {
        int n = Options.integer("--limit", limit, 0, Integer.MAX_VALUE);
        List<RunSummaryDTO> l = engine.runs();
        if (l.isEmpty()) return "No runs.\n";
        if (n > 0 && l.size() > n) l = l.subList(0, n);
        return runsTable(l);
    }

    @Descriptor("Print a run's documents: a table, or -j for one JSON document per line ([name, doc], as Bluesky's serializers)")
    public String docs(
            @Descriptor("JSON lines") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("run uid (run-...)") String run) throws RunRejectedException {
        List<DocumentDTO> docs = engine.documents(run);
        StringBuilder sb = new StringBuilder();
        if (json) {
            for (DocumentDTO d : docs) {
                try {
                    sb.append(JSON.writeValueAsString(List.of(d.name, d.doc))).append('\n');
                } catch (Exception e) {
                    throw new IllegalStateException("cannot write a " + d.name + " document: " + e.getMessage());
                }
            }
            return sb.toString();
        }
        TextTable t = new TextTable("#", "NAME", "UID", "SUMMARY");
        int i = 0;
        for (DocumentDTO d : docs) {
            i++;
            Object uid = d.doc.containsKey("uid") ? d.doc.get("uid") : d.doc.get("datum_id");
            t.row(i, d.name, String.valueOf(uid), summary(d));
        }
        return t.toString();
    }

    private static String summary(DocumentDTO d) {
        Map<String, Object> m = d.doc;
        switch (d.name) {
            case "start":
                return "plan " + m.get("plan_name") + ", scan " + m.get("scan_id");
            case "descriptor":
                return "stream " + m.get("name") + ": " + (m.get("data_keys") instanceof Map<?, ?> k ? String.join(",", k.keySet().stream().map(String::valueOf).toList()) : "");
            case "event": {
                List<String> parts = new ArrayList<>();
                if (m.get("data") instanceof Map<?, ?> data) data.forEach((k, v) -> parts.add(k + "=" + value(v)));
                return "#" + m.get("seq_num") + " " + String.join(" ", parts);
            }
            case "stop":
                return m.get("exit_status") + (m.get("reason") == null || "".equals(m.get("reason")) ? "" : ": " + Text.oneLine(String.valueOf(m.get("reason"))))
                        + " " + m.get("num_events");
            case "resource":
                return m.get("spec") + " " + m.get("resource_path");
            case "datum":
                return "of " + m.get("resource");
            default:
                return "";
        }
    }

    private static String runsTable(List<RunSummaryDTO> l) {
        TextTable t = new TextTable("RUN", "SCAN", "PLAN", "STATUS", "EVENTS", "DOCS", "STARTED", "REASON");
        for (RunSummaryDTO r : l) {
            long events = r.numEvents == null ? 0 : r.numEvents.values().stream().mapToLong(Long::longValue).sum();
            t.row(r.uid, r.scanId, nz(r.planName), r.status == null ? "" : r.status.exitStatus(), events, r.documents,
                    java.time.Instant.ofEpochMilli((long) (r.startTime * 1000)).toString(), Text.oneLine(nz(r.reason)));
        }
        return t.toString();
    }

    /**
     * {@code points=M1:V:V,M2:V:V} (as grid_scan's {@code axes=}) to the plan library's
     * {@code M1=V,V;M2=V,V}. The shell ends a command at ';', so the library's form typed at the
     * prompt ran a plan without the axes after the ';' and reported success: it is refused here,
     * as is a motor given twice or with no values.
     */
    static String listScanPoints(String v) {
        String usage = "points are MOTOR:V:V...,MOTOR:V:V... (e.g. points=m1:0:1:2,m2:2:1:0)";
        if (v == null || v.isBlank()) throw new IllegalArgumentException("list_scan: " + usage);
        if (v.indexOf('=') >= 0 || v.indexOf(';') >= 0) {
            throw new IllegalArgumentException("list_scan: " + usage + ", not '" + Text.shown(v)
                    + "': the shell ends a command at ';', so the old form M1=V,V;M2=V,V lost every motor after the first");
        }
        StringBuilder out = new StringBuilder();
        java.util.Set<String> motors = new java.util.HashSet<>();
        for (String axis : v.split(",", -1)) {
            String[] f = axis.strip().split(":", -1);
            if (f.length < 2 || f[0].isBlank()) throw new IllegalArgumentException("list_scan: " + usage + ", not '" + Text.shown(axis) + "'");
            String motor = word(f[0].strip(), "motor");
            if (!motors.add(motor)) throw new IllegalArgumentException("list_scan: motor " + motor + " given twice in points");
            if (out.length() > 0) out.append(';');
            out.append(motor).append('=');
            for (int i = 1; i < f.length; i++) {
                out.append(i > 1 ? "," : "").append(Options.real("list_scan position of " + motor, f[i]));
            }
        }
        return out.toString();
    }

    static Object parseValue(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("no value");
        String v = s.trim();
        if (v.startsWith("{")) {
            try {
                return JSON.readValue(v, Map.class);
            } catch (Exception e) {
                throw new IllegalArgumentException("not a JSON object: " + Text.shown(v));
            }
        }
        return number(v, "value");
    }

    /**
     * A device's error as one line the operator's terminal cannot act on: an instrument's text
     * (an OPC UA status, a driver's message) may carry escape sequences.
     */
    static DeviceException deviceError(DeviceException e) {
        DeviceException safe = new DeviceException(Text.shown(String.valueOf(e.getMessage()), 500), e);
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }

    static double number(String s, String what) {
        return Options.real(what, s);
    }

    static String word(String s, String what) {
        if (s == null || !s.matches("[A-Za-z0-9_.:-]{1,128}")) throw new IllegalArgumentException("bad " + what + " name '" + Text.shown(s) + "'");
        return s;
    }


    private static String value(Object v) {
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.6g", d);
        return String.valueOf(v);
    }

    private static String num(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%g", d);
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%g", d);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
