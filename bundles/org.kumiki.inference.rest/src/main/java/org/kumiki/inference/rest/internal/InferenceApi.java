package org.kumiki.inference.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.Servlet;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.Text;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/inference}: the model repository beside the OIP v2 protocol (which stays at
 * {@code /v2}, served by org.kumiki.inference.http, for Triton and KServe clients). Reading needs
 * the viewer role, loading and unloading the operator role. Inference itself is OIP v2's.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=inference")
@HttpWhiteboardServletPattern({"/api/inference", "/api/inference/*"})
public class InferenceApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    /** As the repository's folder names; checked here so that a bad name is a 400 before anything is read. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final transient ModelRepository repository;
    private final transient InferenceService inference;

    @Activate
    public InferenceApi(@Reference ModelRepository repository, @Reference InferenceService inference, @Reference AccessControl access) {
        super("inference", access);
        this.repository = repository;
        this.inference = inference;
        route("GET", "", Role.VIEWER, "Where the models and the OIP v2 protocol are", call -> index()).returns(Map.class);
        route("GET", "/models", Role.VIEWER, "Models of the repository with state and versions, by name", this::list)
                .page(ModelDTO.class)
                .query("state", "READY, UNAVAILABLE or LOADING");
        route("GET", "/models/{name}", Role.VIEWER, "One model", call -> model(name(call))).returns(ModelDTO.class);
        route("POST", "/models/{name}/load", Role.OPERATOR, "Load (or reload) every version of a model from its folder", this::load)
                .returns(ModelDTO.class);
        route("POST", "/models/{name}/unload", Role.OPERATOR, "Unload every version of a model and free its memory", this::unload)
                .returns(ModelDTO.class);
        route("GET", "/models/{name}/statistics", Role.VIEWER, "Counters and request-duration histogram of each loaded version", this::modelStats)
                .returns(ModelStatsDTO.class);
        route("GET", "/statistics", Role.VIEWER, "Counters of every loaded model version", call -> inference.statistics())
                .returns(ModelStatsDTO.class);
    }

    private Map<String, Object> index() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("models", path("/models"));
        m.put("statistics", path("/statistics"));
        m.put("oip", "/v2");
        m.put("openapi", "/api/openapi.json");
        return m;
    }

    static String name(ApiCall call) {
        String n = call.param("name");
        if (!NAME.matcher(n).matches() || n.contains("..")) {
            throw ApiException.badRequest("model name " + Text.quote(n) + " is not valid: letters, digits, '_', '.', '-', at most 128, no '..'");
        }
        return n;
    }

    private List<ModelDTO> models() {
        Map<String, List<ModelStatusDTO>> byName = new java.util.TreeMap<>();
        for (ModelStatusDTO s : repository.index()) {
            byName.computeIfAbsent(s.name, k -> new ArrayList<>()).add(s);
        }
        List<ModelDTO> out = new ArrayList<>();
        byName.forEach((n, st) -> out.add(dto(n, st)));
        return out;
    }

    private ModelDTO dto(String name, List<ModelStatusDTO> status) {
        ModelDTO d = new ModelDTO();
        d.name = name;
        d.status = status;
        d.versions = repository.versions(name);
        d.state = ModelState.UNAVAILABLE;
        for (ModelStatusDTO s : status) {
            if (s.state == ModelState.READY) {
                d.state = ModelState.READY;
            } else if (s.state == ModelState.LOADING && d.state != ModelState.READY) {
                d.state = ModelState.LOADING;
            }
        }
        Map<String, String> links = new LinkedHashMap<>();
        links.put("metadata", "/v2/models/" + name);
        links.put("ready", "/v2/models/" + name + "/ready");
        links.put("infer", "/v2/models/" + name + "/infer");
        links.put("load", path("/models/" + name + "/load"));
        links.put("unload", path("/models/" + name + "/unload"));
        links.put("statistics", path("/models/" + name + "/statistics"));
        d.links = links;
        return d;
    }

    private ModelDTO model(String name) {
        List<ModelStatusDTO> st = new ArrayList<>();
        for (ModelStatusDTO s : repository.index()) {
            if (name.equals(s.name)) {
                st.add(s);
            }
        }
        if (st.isEmpty()) {
            throw ApiException.notFound("no model " + Text.quote(name) + " in the repository");
        }
        return dto(name, st);
    }

    private Object list(ApiCall call) {
        String state = call.query("state");
        ModelState wanted = null;
        if (state != null && !state.isEmpty()) {
            try {
                wanted = ModelState.valueOf(state);
            } catch (IllegalArgumentException e) {
                wanted = null;
            }
        }
        if (state != null && !state.isEmpty() && wanted == null) {
            throw ApiException.badRequest("state=" + Text.quote(state) + " is not one of READY, UNAVAILABLE, LOADING");
        }
        List<ModelDTO> out = new ArrayList<>();
        for (ModelDTO d : models()) {
            if (wanted == null || wanted == d.state) {
                out.add(d);
            }
        }
        return Page.of(call, out, d -> d.name, true);
    }

    private Object load(ApiCall call) {
        String n = name(call);
        try {
            repository.load(n);
        } catch (InferenceException e) {
            throw mapped(e);
        }
        return model(n);
    }

    private Object unload(ApiCall call) {
        String n = name(call);
        model(n); // 404 for an unknown model
        try {
            repository.unload(n);
        } catch (InferenceException e) {
            if (e.kind() == InferenceException.Kind.NOT_FOUND) {
                throw ApiException.conflict("model " + Text.quote(n) + " is not loaded: nothing to unload");
            }
            throw mapped(e);
        }
        return model(n);
    }

    private Object modelStats(ApiCall call) {
        String n = name(call);
        List<ModelStatsDTO> out = new ArrayList<>();
        for (ModelStatsDTO s : inference.statistics()) {
            if (n.equals(s.name)) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            model(n); // 404 for an unknown model
            throw ApiException.conflict("model " + Text.quote(n) + " is not loaded: it has no statistics");
        }
        return out;
    }

    static ApiException mapped(InferenceException e) {
        String m = e.getMessage() == null ? "refused" : e.getMessage().replaceAll("[\\r\\n]+", " ");
        return switch (e.kind()) {
            case NOT_FOUND -> ApiException.notFound(m);
            case INVALID_ARGUMENT -> ApiException.badRequest(m);
            case UNAVAILABLE -> ApiException.conflict(m);
            default -> new ApiException(500, m);
        };
    }
}
