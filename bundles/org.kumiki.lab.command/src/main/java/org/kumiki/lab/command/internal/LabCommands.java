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
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The {@code lab} Gogo scope over the RunEngine and the plan library. */
@Component(service = Object.class)
@GogoCommand(scope = "lab", function = {"devices", "read", "set", "plan", "pause", "resume", "stop", "abort", "estop", "reset", "state", "runs", "docs"})
public class LabCommands {

    static final String PLAN_USAGE = "NAME [KEY=VALUE...]\n"
            + "  count      dets=D1,D2 [num=N] [delay=SECONDS]\n"
            + "  scan       dets=D motor=M start=X stop=Y num=N\n"
            + "  grid_scan  dets=D axes=M1:START:STOP:NUM,M2:START:STOP:NUM [snake=true|false]\n"
            + "  list_scan  dets=D points=M1=V,V,V;M2=V,V,V\n"
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
            Map<String, ReadingDTO> r = engine.read(word(n, "device"));
            for (Map.Entry<String, ReadingDTO> e : r.entrySet()) {
                t.row(e.getKey(), value(e.getValue().value), String.format(Locale.ROOT, "%.6f", e.getValue().timestamp));
            }
        }
        return t.toString();
    }

    @Descriptor("Move a device and wait until it arrives (soft limits, locks and the emergency stop apply)")
    public String set(
            @Descriptor("seconds to wait for arrival (default 60)") @Parameter(names = {"-t", "--timeout"}, absentValue = "60") String timeout,
            @Descriptor("device name") String device,
            @Descriptor("set point: a number, or a JSON object for devices that take recipes") String value) throws DeviceException {
        double secs = number(timeout, "--timeout");
        if (secs <= 0 || secs > 86400) throw new IllegalArgumentException("--timeout must be within (0, 86400] seconds");
        Object v = parseValue(value);
        engine.set(word(device, "device"), v, (long) (secs * 1000));
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
            if (eq <= 0) throw new IllegalArgumentException("arguments are KEY=VALUE, not '" + shown(a) + "'");
            String k = a.substring(0, eq);
            if (kv.containsKey(k)) throw new IllegalArgumentException("argument " + k + " given twice");
            kv.put(k, a.substring(eq + 1));
        }
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
                throw new IllegalStateException("the plan failed: " + oneLine(String.valueOf(e.getCause().getMessage())));
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
                throw new IllegalStateException("the plan failed: " + oneLine(String.valueOf(e.getCause() == null ? e : e.getCause().getMessage())));
            }
        }
        return "Started " + name + ": run " + engine.currentRun().orElse("(opening)") + "\n";
    }

    @Descriptor("Pause the run: at the next checkpoint (default) or now (-i; moving devices stop, resume rewinds to the last checkpoint)")
    public String pause(@Descriptor("pause now") @Parameter(names = {"-i", "--immediate"}, presentValue = "true", absentValue = "false") boolean immediate) {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to pause (" + engine.state() + ")");
        engine.pause(!immediate);
        return (immediate ? "Pausing now" : "Pausing at the next checkpoint") + " (" + engine.state() + ")\n";
    }

    @Descriptor("Resume a paused run")
    public String resume() throws RunRejectedException {
        engine.resume();
        return "Resumed (" + engine.state() + ")\n";
    }

    @Descriptor("End the run cleanly (exit status success)")
    public String stop() {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to stop (" + engine.state() + ")");
        engine.stop();
        return "Stopping\n";
    }

    @Descriptor("Abort the run (moving devices stop; exit status abort)")
    public String abort(@Descriptor("reason") String... reason) {
        if (engine.currentRun().isEmpty()) throw new IllegalStateException("no run to abort (" + engine.state() + ")");
        engine.abort(reason == null || reason.length == 0 ? "aborted from the shell" : String.join(" ", reason));
        return "Aborting\n";
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
        long n = (long) number(limit, "--limit");
        if (n < 0 || n != Math.rint(n)) throw new IllegalArgumentException("--limit must be a whole number >= 0");
        List<RunSummaryDTO> l = engine.runs();
        if (l.isEmpty()) return "No runs.\n";
        if (n > 0 && l.size() > n) l = l.subList(0, (int) n);
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
                return m.get("exit_status") + (m.get("reason") == null || "".equals(m.get("reason")) ? "" : ": " + oneLine(String.valueOf(m.get("reason"))))
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
            t.row(r.uid, r.scanId, nz(r.planName), r.status, events, r.documents,
                    java.time.Instant.ofEpochMilli((long) (r.startTime * 1000)).toString(), oneLine(nz(r.reason)));
        }
        return t.toString();
    }

    static Object parseValue(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("no value");
        String v = s.trim();
        if (v.startsWith("{")) {
            try {
                return JSON.readValue(v, Map.class);
            } catch (Exception e) {
                throw new IllegalArgumentException("not a JSON object: " + shown(v));
            }
        }
        return number(v, "value");
    }

    static double number(String s, String what) {
        try {
            double d = Double.parseDouble(s.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " must be a finite number, not '" + shown(s) + "'");
        }
    }

    static String word(String s, String what) {
        if (s == null || !s.matches("[A-Za-z0-9_.:-]{1,128}")) throw new IllegalArgumentException("bad " + what + " name '" + shown(s) + "'");
        return s;
    }

    static String shown(String s) {
        if (s == null) return "";
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
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
