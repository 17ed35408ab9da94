package org.kumiki.platform.assembly.rest.internal;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.api.assembly.Assembly;
import org.kumiki.platform.api.assembly.AssemblyException;
import org.kumiki.platform.api.assembly.AssemblyException.Reason;
import org.kumiki.platform.api.assembly.DeploymentDTO;
import org.kumiki.platform.api.assembly.FeatureDTO;
import org.kumiki.platform.api.assembly.PlanDTO;
import org.kumiki.platform.api.assembly.RepositoryDTO;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.Text;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Runtime assembly over REST, below the platform's API: {@code /api/platform/repositories},
 * {@code /features} and {@code /deployments}. Reading needs the viewer role; every change (adding
 * a repository, installing code, rolling back) the admin role. The servlet takes only these three
 * prefixes (more specific than the platform's {@code /api/platform/*}), so the platform's own
 * resources are untouched and a site without this bundle simply has no such routes.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=platform")
@HttpWhiteboardServletPattern({AssemblyApi.REPOSITORIES, AssemblyApi.FEATURES, AssemblyApi.DEPLOYMENTS})
public class AssemblyApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final String MOUNT = "/api/platform";
    static final String REPOSITORIES = MOUNT + "/repositories/*";
    static final String FEATURES = MOUNT + "/features/*";
    static final String DEPLOYMENTS = MOUNT + "/deployments/*";
    static final int MAX_BODY = 64 << 10;
    static final int MAX_REQUESTS = 100;
    static final int MAX_REQUEST_CHARS = 512;
    static final int MAX_LOCATION_CHARS = 2048;

    private final transient Assembly assembly;

    @Activate
    public AssemblyApi(@Reference Assembly assembly, @Reference AccessControl access) {
        super("platform", access);
        this.assembly = assembly;
        route("GET", "/repositories", Role.VIEWER, "Bundle repositories, in the order they were added (DELETE takes a name or this 1-based position)",
                call -> assembly.repositories()).returns(RepositoryDTO.class);
        route("POST", "/repositories", Role.ADMIN, "Add a repository: an index.xml or its folder (file, http or https URL, or a path on the container's machine)",
                this::addRepository).body(RepositoryRequest.class).returns(RepositoryDTO.class).status(201).maxBody(MAX_BODY);
        route("DELETE", "/repositories/{id}", Role.ADMIN, "Remove a repository by name or 1-based position (installed bundles stay)",
                this::removeRepository).returns(RepositoryDTO.class);
        route("GET", "/features", Role.VIEWER, "The features of every repository, with the hardware they need", call -> features())
                .returns(FeatureDTO.class);
        route("GET", "/deployments", Role.VIEWER, "Deployments, oldest first (0 is the container before any change)", this::deployments)
                .page(DeploymentDTO.class);
        route("POST", "/deployments", Role.ADMIN, "Install or uninstall features or bundles: 201 and the plan applied (Location: the deployment), "
                + "200 and the plan for a dry run or when there is nothing to do", this::deploy)
                .body(DeploymentRequest.class).returns(PlanDTO.class).status(201).maxBody(MAX_BODY).idempotent();
        route("GET", "/deployments/{n}", Role.VIEWER, "One deployment", call -> deployment(call.param("n"))).returns(DeploymentDTO.class);
        route("POST", "/deployments/{n}/rollback", Role.ADMIN, "Return to deployment n's set of bundles without a restart (recorded as a new deployment)",
                this::rollback).returns(PlanDTO.class).status(201).query("dryRun", "true: answer the plan, change nothing").idempotent();
    }

    /** The servlet is mounted at three prefixes below /api/platform: routes see the path below /api/platform. */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String servletPath = req.getServletPath() == null ? "" : req.getServletPath();
        String below = servletPath.startsWith(MOUNT) ? servletPath.substring(MOUNT.length()) : servletPath;
        String info = below + (req.getPathInfo() == null ? "" : req.getPathInfo());
        super.service(new HttpServletRequestWrapper(req) {
            @Override
            public String getPathInfo() {
                return info;
            }
        }, resp);
    }

    private Object addRepository(ApiCall call) throws IOException {
        RepositoryRequest r = call.body(RepositoryRequest.class);
        String loc = r.location;
        if (loc == null || loc.isBlank()) {
            throw ApiException.badRequest("location: give the repository's index.xml or folder (file, http or https URL, or a path)");
        }
        if (loc.length() > MAX_LOCATION_CHARS) {
            throw ApiException.badRequest("location: " + loc.length() + " characters; at most " + MAX_LOCATION_CHARS);
        }
        if (climbs(loc)) {
            throw ApiException.badRequest("location " + Text.quote(loc) + " climbs with '..': give the repository's own folder or URL");
        }
        RepositoryDTO added = call(() -> assembly.addRepository(loc));
        List<RepositoryDTO> all = call(assembly::repositories);
        int pos = all.size();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).location.equals(added.location)) {
                pos = i + 1;
            }
        }
        return ApiResult.created(path("/repositories/" + pos), added);
    }

    /** A '..' segment anywhere in a path or URL (also percent-encoded or with backslashes). */
    static boolean climbs(String location) {
        String s = location.replace('\\', '/').replaceAll("(?i)%2e", ".").replaceAll("(?i)%2f", "/").replaceAll("(?i)%5c", "/");
        for (String seg : s.split("[/?#]", -1)) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private Object removeRepository(ApiCall call) {
        String id = call.param("id");
        List<RepositoryDTO> all = call(assembly::repositories);
        String target = null;
        for (RepositoryDTO r : all) {
            if (r.name.equals(id)) {
                target = r.location;
            }
        }
        if (target == null && id.matches("[0-9]{1,9}")) {
            int n = Integer.parseInt(id);
            if (n < 1 || n > all.size()) {
                throw ApiException.notFound("no repository " + n + ": " + (all.isEmpty() ? "none is added" : "positions are 1 to " + all.size()));
            }
            target = all.get(n - 1).location;
        }
        if (target == null) {
            throw ApiException.notFound("no repository named " + Text.quote(id) + " (GET " + path("/repositories") + " lists them)");
        }
        String t = target;
        return call(() -> assembly.removeRepository(t));
    }

    private Object features() {
        if (call(assembly::repositories).isEmpty()) {
            return List.of();
        }
        return call(assembly::features);
    }

    private Object deploy(ApiCall call) throws IOException {
        DeploymentRequest d = call.body(DeploymentRequest.class);
        boolean installs = d.install != null && !d.install.isEmpty();
        boolean uninstalls = d.uninstall != null && !d.uninstall.isEmpty();
        if (installs == uninstalls) {
            throw ApiException.badRequest(installs ? "give 'install' or 'uninstall', not both: each deployment is one change"
                    : "give 'install' or 'uninstall': a list of FEATURE or BSN[;version=RANGE]");
        }
        if (d.force && installs) {
            throw ApiException.badRequest("force: applies to 'uninstall' only");
        }
        List<String> names = installs ? d.install : d.uninstall;
        String field = installs ? "install" : "uninstall";
        if (names.size() > MAX_REQUESTS) {
            throw ApiException.badRequest(field + ": " + names.size() + " entries; at most " + MAX_REQUESTS);
        }
        for (int i = 0; i < names.size(); i++) {
            String s = names.get(i);
            if (s == null || s.isBlank()) {
                throw ApiException.badRequest(field + "[" + i + "]: is empty");
            }
            if (s.length() > MAX_REQUEST_CHARS) {
                throw ApiException.badRequest(field + "[" + i + "]: " + s.length() + " characters; at most " + MAX_REQUEST_CHARS);
            }
        }
        PlanDTO plan = call(() -> installs ? assembly.install(names, d.dryRun) : assembly.uninstall(names, d.force, d.dryRun));
        return answer(plan);
    }

    private Object rollback(ApiCall call) {
        DeploymentDTO target = deployment(call.param("n"));
        boolean dryRun = call.queryBoolean("dryRun", false);
        return answer(call(() -> assembly.rollback(target.id, dryRun)));
    }

    /** 201 with the new deployment's Location when applied; 200 for a dry run or an empty plan. */
    private ApiResult answer(PlanDTO plan) {
        if (plan.applied && plan.deployment >= 0) {
            return ApiResult.created(path("/deployments/" + plan.deployment), plan);
        }
        return ApiResult.of(200, plan);
    }

    private Object deployments(ApiCall call) {
        return Page.of(call, call(assembly::deployments), d -> String.valueOf(d.id), false);
    }

    private DeploymentDTO deployment(String n) {
        List<DeploymentDTO> all = call(assembly::deployments);
        String range = all.isEmpty() ? "" : ": deployments are 0 to " + all.get(all.size() - 1).id;
        if (!n.matches("[0-9]{1,9}")) {
            throw ApiException.notFound("no deployment " + Text.quote(n) + range);
        }
        int id = Integer.parseInt(n);
        return all.stream().filter(d -> d.id == id).findFirst()
                .orElseThrow(() -> ApiException.notFound("no deployment " + id + range));
    }

    /** Runs an Assembly call; its one-line refusal becomes a JSON error with the status of its reason. */
    static <T> T call(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (AssemblyException e) {
            String m = e.getMessage() == null ? "the assembly service failed" : e.getMessage();
            throw new ApiException(status(e.reason()), m);
        }
    }

    /**
     * The HTTP status of an Assembly refusal, by its reason (never by its message text): bad input
     * 400, a missing repository or deployment 404, a conflict with what is installed or added 409,
     * what cannot be resolved, a hardware requirement the site does not meet and a tampered jar
     * 422, an unreachable repository 502, a stopped service, an unusable journal or no resolver 503.
     */
    static int status(Reason reason) {
        // a switch expression over the enum: a new reason does not compile here until it has a status
        return switch (reason) {
            case BAD_INPUT -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNRESOLVABLE, HARDWARE_UNMET, TAMPERED -> 422;
            case UNREACHABLE -> 502;
            case UNAVAILABLE -> 503;
        };
    }
}
