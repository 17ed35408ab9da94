package org.kumiki.simulation.rest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.Servlet;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepPointDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The simulation domain at {@code /api/simulation}: engines, runs (submit, get, cancel, thermo
 * results, progress as Server-Sent Events) and sweeps. The request bodies are the API's own
 * {@link SimulationSpec} and {@link SweepSpec} (unknown properties refused; the service validates
 * the values and its one-line reason is the 400). Uses only the simulation API.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=simulation")
@HttpWhiteboardServletPattern({"/api/simulation", "/api/simulation/*"})
@HttpWhiteboardServletAsyncSupported
public class SimulationApi extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient SimulationService sims;

    @Activate
    public SimulationApi(@Reference SimulationService sims, @Reference AccessControl access) {
        super("simulation", access);
        this.sims = sims;

        route("GET", "/engines", Role.VIEWER, "The registered engines and the models they run", call -> sims.engines())
                .returns(EngineDTO[].class);
        route("GET", "/runs", Role.VIEWER, "Runs, newest first (filters: state, engine)", this::runs)
                .query("state", "QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED or INTERRUPTED")
                .query("engine", "engine name")
                .page(RunDTO.class);
        route("POST", "/runs", Role.OPERATOR, "Starts a simulation (defaults: LAMMPS's bench/in.lj)", this::submit)
                .body(SimulationSpec.class).returns(RunDTO.class).status(201).idempotent();
        route("GET", "/runs/{id}", Role.VIEWER, "One run", call -> run(call.param("id"))).returns(RunDTO.class);
        route("DELETE", "/runs/{id}", Role.OPERATOR, "Cancels the run (409 when it has already ended)", this::cancel).returns(RunDTO.class);
        route("POST", "/runs/{id}/cancel", Role.OPERATOR, "Cancels the run (409 when it has already ended)", this::cancel).returns(RunDTO.class);
        route("GET", "/runs/{id}/results", Role.VIEWER, "The run's thermo series (so far), files and performance", call -> {
            run(call.param("id"));
            return sims.results(call.param("id"));
        }).returns(SimulationResultDTO.class);
        route("GET", "/runs/{id}/stream", Role.VIEWER, "Progress as Server-Sent Events: 'thermo' rows (id = step), 'state' changes, "
                + "'end' with the run, then the stream closes; honours Last-Event-ID (a step)", this::stream).sse();

        route("GET", "/sweeps", Role.VIEWER, "Sweeps, newest first (without point results)", call -> Page.of(call, sims.sweeps(), s -> s.id, false))
                .page(SweepDTO.class);
        route("POST", "/sweeps", Role.OPERATOR, "Starts a sweep: the grid's points run as scheduler tasks of a grid campaign", this::sweep)
                .body(SweepSpec.class).returns(SweepDTO.class).status(201).idempotent();
        route("GET", "/sweeps/{id}", Role.VIEWER, "One sweep with the points that have ended", call -> sweepOf(call.param("id")))
                .returns(SweepDTO.class);
        route("GET", "/sweeps/{id}/results", Role.VIEWER, "The points that have ended, in grid order (the rows of the sweep's dataset)",
                call -> sweepOf(call.param("id")).results).returns(SweepPointDTO[].class);
    }

    private Object runs(ApiCall call) {
        RunState state = call.queryEnum("state", RunState.class);
        String engine = call.query("engine");
        List<RunDTO> out = new ArrayList<>();
        for (RunDTO r : sims.list()) {
            if ((state == null || state == r.state) && (engine == null || engine.equals(r.engine))) {
                out.add(r);
            }
        }
        return Page.of(call, out, r -> r.id, false);
    }

    private RunDTO run(String id) {
        return sims.get(id).orElseThrow(() -> ApiException.notFound("no run '" + shown(id) + "'"));
    }

    private Object submit(ApiCall call) throws Exception {
        SimulationSpec spec = call.body(SimulationSpec.class);
        RunDTO r;
        try {
            r = sims.submit(spec);
        } catch (SimulationRejectedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResult.created(path("/runs/" + r.id), r);
    }

    private Object cancel(ApiCall call) {
        RunDTO r = run(call.param("id"));
        if (!sims.cancel(r.id)) {
            throw ApiException.conflict("run " + r.id + " has already ended (" + sims.get(r.id).map(x -> x.state).orElse(r.state) + ")");
        }
        return run(r.id);
    }

    private Object stream(ApiCall call) throws Exception {
        RunDTO r = run(call.param("id"));
        String last = call.lastEventId();
        long after = -1;
        if (last != null && !last.isBlank()) {
            try {
                after = Long.parseLong(last.trim());
            } catch (NumberFormatException e) {
                after = -2;
            }
            if (after < 0) {
                throw ApiException.badRequest("Last-Event-ID '" + shown(last) + "' is not a step (a non-negative integer)");
            }
        }
        SseStream sse = call.sse();
        ThermoStream.start(sims, r.id, sse, after);
        return sse;
    }

    private Object sweep(ApiCall call) throws Exception {
        SweepSpec spec = call.body(SweepSpec.class);
        SweepDTO s;
        try {
            s = sims.sweep(spec);
        } catch (SimulationRejectedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResult.created(path("/sweeps/" + s.id), s);
    }

    private SweepDTO sweepOf(String id) {
        Optional<SweepDTO> s;
        try {
            s = sims.sweepStatus(id);
        } catch (SimulationRejectedException e) {
            s = Optional.empty();
        }
        return s.orElseThrow(() -> ApiException.notFound("no sweep '" + shown(id) + "'"));
    }

    static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 60; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 60 ? b + "..." : b.toString();
    }
}
