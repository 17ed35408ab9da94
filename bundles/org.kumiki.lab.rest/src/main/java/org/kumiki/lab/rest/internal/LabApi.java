package org.kumiki.lab.rest.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import jakarta.servlet.Servlet;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The lab domain at {@code /api/lab} (after Bluesky's queueserver HTTP API): devices, plans, runs
 * and their documents, the engine's state and control, the emergency stop, and the documents of
 * the current run as Server-Sent Events. Uses only the lab API. Nothing is done at start-up
 * beyond building the route table; the engine subscription exists only while a stream is open.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=lab")
@HttpWhiteboardServletPattern({"/api/lab", "/api/lab/*"})
@HttpWhiteboardServletAsyncSupported
public class LabApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    /** How long a control call waits for the engine to get there before answering 202. */
    static final long CONTROL_WAIT_MS = 30_000;
    /** How long a submission waits for its run to open before answering 202. */
    static final long OPEN_WAIT_MS = 30_000;
    private static final Pattern RUN_UID = Pattern.compile("run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final transient RunEngine engine;
    private final transient Plans plans;
    private final transient BundleContext context;
    private final transient DocumentFeed feed;

    @Activate
    public LabApi(@Reference RunEngine engine, @Reference Plans plans,
            @Reference AccessControl access, BundleContext context) {
        super("lab", access);
        this.engine = engine;
        this.plans = plans;
        this.context = context;
        this.feed = new DocumentFeed(engine);

        route("GET", "/devices", Role.VIEWER, "Devices with their state (filters: kind, connected)", this::devices)
                .query("kind", "only devices of this kind (motor, detector, ...)")
                .query("connected", "true or false")
                .page(DeviceDTO.class);
        route("GET", "/devices/{name}", Role.VIEWER, "One device", call -> device(call.param("name"))).returns(DeviceDTO.class);
        route("GET", "/devices/{name}/describe", Role.VIEWER, "The data keys the device's readings have (dtype, shape, units, limits)",
                this::describe).returns(Map.class);
        route("GET", "/devices/{name}/read", Role.VIEWER, "Reads the device now (outside a run)", this::read).returns(Map.class);

        route("GET", "/plans", Role.VIEWER, "The plans POST /runs can run, with their parameters", call -> PlanRequests.PLANS)
                .returns(PlanInfo[].class);
        route("GET", "/plans/{name}", Role.VIEWER, "One plan and its parameters", call -> {
            PlanInfo p = PlanRequests.info(call.param("name"));
            if (p == null) {
                throw ApiException.notFound("no plan '" + PlanRequests.shown(call.param("name")) + "' (" + PlanRequests.names() + ")");
            }
            return p;
        }).returns(PlanInfo.class);

        route("GET", "/runs", Role.VIEWER, "Runs, newest first (filters: status, plan)", this::runs)
                .query("status", "running, success, abort, fail or incomplete")
                .query("plan", "plan name")
                .page(RunView.class);
        route("POST", "/runs", Role.OPERATOR, "Runs a plan (one at a time: 409 while the engine is busy); answers once its run has opened",
                this::submit).body(RunRequest.class).returns(RunView.class).status(201).idempotent();
        route("GET", "/runs/{uid}", Role.VIEWER, "One run ('current' names the open run)", call -> RunView.of(summary(runUid(call)))).returns(RunView.class);
        route("GET", "/runs/{uid}/documents", Role.VIEWER, "The run's event-model documents in order (start, descriptor, event..., stop)",
                this::documents).query("name", "only documents of this type (start, descriptor, event, resource, datum, stop)")
                .returns(DocumentDTO[].class);
        route("GET", "/runs/{uid}/stream", Role.VIEWER, "The run's documents as Server-Sent Events (event = document type, id = <run>:<n>), "
                + "the earlier ones first; ends after the stop document; honours Last-Event-ID", this::streamRun).sse();
        route("POST", "/runs/{uid}/pause", Role.OPERATOR, "Pauses the open run: at the next checkpoint (mode=deferred, default) or now (mode=immediate)",
                this::pause).query("mode", "deferred or immediate").returns(EngineStatus.class);
        route("POST", "/runs/{uid}/resume", Role.OPERATOR, "Resumes the paused run", this::resume).returns(EngineStatus.class);
        route("POST", "/runs/{uid}/stop", Role.OPERATOR, "Ends the open run cleanly (exit status success); answers once it has closed",
                this::stop).returns(EngineStatus.class);
        route("POST", "/runs/{uid}/abort", Role.OPERATOR, "Aborts the open run (moving devices stop; exit status abort); answers once it has closed",
                this::abort).body(ControlRequest.class).returns(EngineStatus.class);

        route("GET", "/stream", Role.VIEWER, "Every document as it is emitted, as Server-Sent Events (event = document type, id = <run>:<n>); "
                + "the open run's earlier documents first; honours Last-Event-ID", this::streamAll).sse();
        route("GET", "/engine", Role.VIEWER, "The engine's state, the open run, the emergency stop, the suspenders", call -> status(null))
                .returns(EngineStatus.class);
        route("GET", "/estop", Role.VIEWER, "Whether the emergency stop is latched", call -> status(null)).returns(EngineStatus.class);
        route("POST", "/estop", Role.OPERATOR, "EMERGENCY STOP: stops every stoppable device, aborts the run, refuses motion until reset",
                this::estop).body(ControlRequest.class).returns(EngineStatus.class);
        route("POST", "/estop/reset", Role.ADMIN, "Clears the emergency stop", call -> {
            engine.reset();
            return status(null);
        }).returns(EngineStatus.class);
    }

    @Deactivate
    void deactivate() {
        feed.close();
    }

    // ---- devices

    private Object devices(ApiCall call) {
        String kind = call.query("kind");
        String connected = call.query("connected");
        Boolean conn = connected == null ? null : call.queryBoolean("connected", false);
        List<DeviceDTO> out = new ArrayList<>();
        for (DeviceDTO d : sortedDevices()) {
            if ((kind == null || kind.equals(d.kind)) && (conn == null || conn == d.connected)) {
                out.add(d);
            }
        }
        return Page.of(call, out, d -> d.name, true);
    }

    private List<DeviceDTO> sortedDevices() {
        List<DeviceDTO> l = new ArrayList<>(engine.devices());
        l.sort((a, b) -> a.name.compareTo(b.name));
        return l;
    }

    private DeviceDTO device(String name) {
        for (DeviceDTO d : engine.devices()) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        List<String> known = new ArrayList<>();
        sortedDevices().forEach(d -> known.add(d.name));
        throw ApiException.notFound("no device '" + PlanRequests.shown(name) + "' (known: " + String.join(", ", known) + ")");
    }

    private Object describe(ApiCall call) throws InvalidSyntaxException {
        DeviceDTO d = device(call.param("name"));
        Collection<ServiceReference<Readable>> refs = context.getServiceReferences(Readable.class,
                "(" + LabConstants.DEVICE_NAME + "=" + escape(d.name) + ")");
        for (ServiceReference<Readable> ref : refs) {
            Readable r = context.getService(ref);
            if (r != null) {
                try {
                    Map<String, DataKeyDTO> keys = r.describe();
                    return keys;
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        throw ApiException.conflict("device '" + d.name + "' cannot be read, so it has no data keys");
    }

    private Object read(ApiCall call) {
        DeviceDTO d = device(call.param("name"));
        try {
            Map<String, ReadingDTO> r = engine.read(d.name);
            return r;
        } catch (DeviceException e) {
            throw ApiException.conflict(d.name + ": " + e.getMessage());
        }
    }

    static String escape(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    // ---- runs

    private Object runs(ApiCall call) {
        String status = call.query("status");
        if (status != null && !List.of("running", "success", "abort", "fail", "incomplete").contains(status)) {
            throw ApiException.badRequest("status=" + PlanRequests.shown(status) + " is not one of running, success, abort, fail, incomplete");
        }
        String plan = call.query("plan");
        List<RunView> out = new ArrayList<>();
        for (RunSummaryDTO r : engine.runs()) {
            if ((status == null || (r.status != null && status.equals(r.status.exitStatus()))) && (plan == null || plan.equals(r.planName))) {
                out.add(RunView.of(r));
            }
        }
        return Page.of(call, out, r -> r.uid, false);
    }

    /** The run uid of the path ('current' is the open run), checked for form. */
    private String runUid(ApiCall call) {
        String uid = call.param("uid");
        if (uid.equals("current")) {
            return engine.currentRun().orElseThrow(() -> ApiException.notFound("no run is open (the engine is " + engine.state() + ")"));
        }
        if (!RUN_UID.matcher(uid).matches()) {
            throw ApiException.notFound("'" + PlanRequests.shown(uid) + "' is not a run uid (run-<uuid>, or 'current')");
        }
        return uid;
    }

    private RunSummaryDTO summary(String uid) {
        for (RunSummaryDTO r : engine.runs()) {
            if (r.uid.equals(uid)) {
                return r;
            }
        }
        throw ApiException.notFound("no run " + uid);
    }

    private Object submit(ApiCall call) throws Exception {
        RunRequest req = call.body(RunRequest.class);
        Plan plan = PlanRequests.build(req, plans);
        TrackedPlan tracked = new TrackedPlan(plan);
        CompletableFuture<RunSummaryDTO> result;
        try {
            result = engine.submit(tracked).toCompletableFuture();
        } catch (RunRejectedException e) {
            if (engine.emergencyStopActive() || engine.state() != EngineState.IDLE) {
                throw ApiException.conflict(e.getMessage());
            }
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            CompletableFuture.anyOf(tracked.firstRun, result).get(OPEN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return ApiResult.accepted(status(null));
        } catch (ExecutionException e) {
            throw ApiException.conflict("the plan failed before its run opened: " + e.getCause().getMessage());
        }
        String uid = tracked.firstRun.getNow(null);
        if (uid == null) {
            RunSummaryDTO s = result.getNow(null);
            return s == null ? ApiResult.of(200, null) : ApiResult.created(path("/runs/" + s.uid), RunView.of(s));
        }
        RunSummaryDTO s;
        try {
            s = summary(uid);
        } catch (ApiException e) {
            s = new RunSummaryDTO();
            s.uid = uid;
            s.planName = plan.name();
            s.status = RunStatus.RUNNING;
        }
        return ApiResult.created(path("/runs/" + uid), RunView.of(s));
    }

    private Object documents(ApiCall call) {
        String uid = runUid(call);
        String name = call.query("name");
        if (name != null && !List.of("start", "descriptor", "event", "resource", "datum", "stop").contains(name)) {
            throw ApiException.badRequest("name=" + PlanRequests.shown(name) + " is not a document type (start, descriptor, event, resource, datum, stop)");
        }
        List<DocumentDTO> docs = docs(uid);
        if (name == null) {
            return docs;
        }
        List<DocumentDTO> out = new ArrayList<>();
        for (DocumentDTO d : docs) {
            if (name.equals(d.name)) {
                out.add(d);
            }
        }
        return out;
    }

    private List<DocumentDTO> docs(String uid) {
        try {
            return engine.documents(uid);
        } catch (RunRejectedException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("unknown run") || m.startsWith("not a run uid")) {
                throw ApiException.notFound(m);
            }
            throw ApiException.conflict(m);
        }
    }

    // ---- control

    /** The open run, which must be the one the path names. */
    private String openRun(ApiCall call) {
        String uid = runUid(call);
        Optional<String> cur = engine.currentRun();
        if (cur.isEmpty() || !cur.get().equals(uid)) {
            RunSummaryDTO s = summary(uid);
            throw ApiException.conflict("run " + uid + " is not open (" + s.status.exitStatus() + ")");
        }
        return uid;
    }

    private Object pause(ApiCall call) throws InterruptedException {
        String mode = call.query("mode");
        if (mode != null && !mode.equals("deferred") && !mode.equals("immediate")) {
            throw ApiException.badRequest("mode=" + PlanRequests.shown(mode) + " is not deferred or immediate");
        }
        String uid = openRun(call);
        boolean deferred = !"immediate".equals(mode);
        engine.pause(deferred);
        if (deferred) {
            return ApiResult.accepted(status(null));
        }
        return settled(engine.awaitState(CONTROL_WAIT_MS, EngineState.PAUSED, EngineState.SUSPENDED, EngineState.IDLE), uid);
    }

    private Object resume(ApiCall call) {
        openRun(call);
        try {
            engine.resume();
        } catch (RunRejectedException e) {
            throw ApiException.conflict(e.getMessage());
        }
        try {
            // resume only signals the run thread: answer once it runs again (or ended, or was suspended)
            return settled(engine.awaitState(CONTROL_WAIT_MS, EngineState.RUNNING, EngineState.SUSPENDED, EngineState.ABORTING, EngineState.IDLE), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiResult.accepted(status(null));
        }
    }

    private Object stop(ApiCall call) throws InterruptedException {
        String uid = openRun(call);
        engine.stop();
        return settled(engine.awaitState(CONTROL_WAIT_MS, EngineState.IDLE), uid);
    }

    private Object abort(ApiCall call) throws Exception {
        String reason = reason(call, "aborted over REST by " + call.caller().name());
        String uid = openRun(call);
        engine.abort(reason);
        return settled(engine.awaitState(CONTROL_WAIT_MS, EngineState.IDLE), uid);
    }

    private Object settled(boolean reached, String uid) {
        EngineStatus s = status(null);
        return reached ? s : ApiResult.accepted(s);
    }

    private static String reason(ApiCall call, String dflt) throws Exception {
        if (call.bodyBytes().length == 0) {
            return dflt;
        }
        ControlRequest c = call.body(ControlRequest.class);
        if (c.reason == null || c.reason.isBlank()) {
            return dflt;
        }
        if (c.reason.length() > 500) {
            throw PlanRequests.bad("reason", "has " + c.reason.length() + " characters; at most 500");
        }
        return c.reason.replaceAll("[\\p{Cntrl}]", " ");
    }

    private Object estop(ApiCall call) throws Exception {
        String reason = reason(call, "emergency stop over REST by " + call.caller().name());
        List<String> failed = engine.emergencyStop(reason);
        return status(failed);
    }

    private EngineStatus status(List<String> failed) {
        EngineStatus s = new EngineStatus();
        s.state = engine.state().name();
        s.run = engine.currentRun().orElse(null);
        s.emergencyStop = engine.emergencyStopActive();
        s.stopFailed = failed;
        s.suspenders = engine.suspenders();
        return s;
    }

    // ---- streams

    private Object streamRun(ApiCall call) throws Exception {
        String uid = runUid(call);
        summary(uid);
        long[] last = new long[1];
        long after = uid.equals(lastEventId(call, last)) ? last[0] : 0;
        SseStream sse = call.sse();
        DocumentFeed.Client c = feed.join(sse, uid);
        c.replay(uid, docs(uid), after);
        return sse;
    }

    private Object streamAll(ApiCall call) throws Exception {
        long[] last = new long[1];
        String lastRun = lastEventId(call, last);
        SseStream sse = call.sse();
        DocumentFeed.Client c = feed.join(sse, null);
        // after join: what opened meanwhile is replayed here, what comes later arrives live
        Optional<String> open = engine.currentRun();
        List<DocumentDTO> earlier = List.of();
        if (open.isPresent()) {
            try {
                earlier = engine.documents(open.get());
            } catch (RunRejectedException e) {
                earlier = List.of(); // more than the engine keeps in memory: live documents only
            }
        }
        c.replay(open.orElse(null), earlier, open.isPresent() && open.get().equals(lastRun) ? last[0] : 0);
        return sse;
    }

    /** The run a Last-Event-ID names (its position into {@code pos[0]}), or null when absent. */
    private static String lastEventId(ApiCall call, long[] pos) {
        String last = call.lastEventId();
        if (last == null || last.isBlank()) {
            return null;
        }
        int colon = last.lastIndexOf(':');
        String bad = "Last-Event-ID '" + PlanRequests.shown(last) + "' is not <run uid>:<n>";
        if (colon <= 0 || !RUN_UID.matcher(last.substring(0, colon)).matches()) {
            throw ApiException.badRequest(bad);
        }
        try {
            pos[0] = Long.parseLong(last.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(bad);
        }
        if (pos[0] < 0) {
            throw ApiException.badRequest(bad);
        }
        return last.substring(0, colon);
    }
}
