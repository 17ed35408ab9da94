package org.kumiki.platform.rest.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;

import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.api.access.TokenDTO;
import org.kumiki.platform.api.dto.HardwareDTO;
import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/platform}: status, hardware, bundles (read-only), the log (tail, follow, logger
 * levels) and tokens. Log routes answer 503 where the platform has no {@link LogAccess} (no
 * Logback); token listing 503 without {@link AccessAdmin}.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=platform")
@HttpWhiteboardServletPattern({"/api/platform", "/api/platform/*"})
@HttpWhiteboardServletAsyncSupported
public class PlatformApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_LOG = 10_000;

    private static final class Timer {
        static final ScheduledExecutorService TIMER;
        static {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "kumiki-rest-log-follow");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            TIMER = t;
        }
    }

    /** The container at a glance. */
    public static class StatusDTO {
        public String site;
        public String framework;
        public String java;
        public long startedAt;
        public long uptimeSeconds;
        public int bundles;
        public int bundlesActive;
        /** Bundles that should be active and are not (fragments are RESOLVED by nature): name and state. */
        public Map<String, String> bundlesNotActive = new LinkedHashMap<>();
        /** Differences between the declared and the detected hardware. */
        public List<String> hardwareMismatches;
        /** The REST APIs served now. */
        public List<String> apis = new ArrayList<>();
    }

    /** One installed bundle. */
    public static class BundleDTO {
        public long id;
        public String symbolicName;
        public String version;
        public String state;
        public boolean fragment;
        public int startLevel;
    }

    /** The body of {@code PUT /api/platform/loggers/{name}}. */
    public static class LevelChange {
        /** TRACE, DEBUG, INFO, WARN, ERROR, OFF, or inherit (null) to take the parent's. */
        public String level;
    }

    /** A logger's level. */
    public static class LoggerDTO {
        public String logger;
        /** Set on this logger; null when inherited. */
        public String level;
        public String effectiveLevel;
    }

    private final transient BundleContext context;
    private final transient HardwareProfile hardware;
    private final transient LogAccess log;
    private final transient AccessAdmin admin;

    @Activate
    public PlatformApi(BundleContext context, @Reference AccessControl access, @Reference HardwareProfile hardware,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) LogAccess log,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) AccessAdmin admin) {
        super("platform", access);
        this.context = context;
        this.hardware = hardware;
        this.log = log;
        this.admin = admin;
        route("GET", "/status", Role.VIEWER, "The container at a glance: site, uptime, bundles not active, hardware mismatches, APIs", call -> status())
                .returns(StatusDTO.class);
        route("GET", "/hardware", Role.VIEWER, "Detected and declared hardware, and their mismatches", call -> hardware.snapshot())
                .returns(HardwareDTO.class);
        route("GET", "/bundles", Role.VIEWER, "Installed bundles (read-only)", call -> Page.of(call, bundles(), b -> String.valueOf(b.id), false))
                .page(BundleDTO.class);
        route("GET", "/logs", Role.VIEWER, "The last log entries, oldest first", this::tail)
                .returns(LogEntryDTO.class)
                .query("max", "at most this many, 1 to " + MAX_LOG + " (default 200)")
                .query("level", "only this level and above (TRACE, DEBUG, INFO, WARN, ERROR)")
                .query("logger", "only loggers whose name starts with this");
        route("GET", "/logs/events", Role.VIEWER, "Follow the log as Server-Sent Events (event: log, id: the entry's seq; honours Last-Event-ID)", this::follow)
                .sse().returns(LogEntryDTO.class)
                .query("level", "only this level and above")
                .query("logger", "only loggers whose name starts with this");
        route("GET", "/loggers", Role.VIEWER, "Loggers whose level is set", this::loggers).returns(LoggerDTO.class);
        route("GET", "/loggers/{name}", Role.VIEWER, "A logger's level", call -> logger(call.param("name"))).returns(LoggerDTO.class);
        route("PUT", "/loggers/{name}", Role.ADMIN, "Set a logger's level until the container stops (ROOT for the root logger)", this::setLevel)
                .body(LevelChange.class).returns(LoggerDTO.class).maxBody(4096);
        route("GET", "/tokens", Role.ADMIN, "Bearer tokens: names and roles (never the tokens)", call -> admin().tokens())
                .returns(TokenDTO.class);
    }

    private StatusDTO status() {
        StatusDTO s = new StatusDTO();
        s.site = hardware.siteName();
        Bundle sys = context.getBundle(0);
        s.framework = sys.getSymbolicName() + " " + sys.getVersion();
        s.java = System.getProperty("java.version");
        s.startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
        s.uptimeSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        for (Bundle b : context.getBundles()) {
            s.bundles++;
            if (b.getState() == Bundle.ACTIVE) {
                s.bundlesActive++;
            } else if (!isFragment(b)) {
                s.bundlesNotActive.put(b.getSymbolicName(), state(b));
            }
        }
        s.hardwareMismatches = hardware.mismatches();
        try {
            var refs = context.getServiceReferences(Servlet.class, "(" + API_PROPERTY + "=*)");
            for (var r : refs) {
                String api = "/api/" + r.getProperty(API_PROPERTY);
                if (!s.apis.contains(api)) { // several servlets may serve parts of one API (/api/platform)
                    s.apis.add(api);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        s.apis.sort(null);
        return s;
    }

    private List<BundleDTO> bundles() {
        List<BundleDTO> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleDTO d = new BundleDTO();
            d.id = b.getBundleId();
            d.symbolicName = b.getSymbolicName();
            d.version = b.getVersion().toString();
            d.state = state(b);
            d.fragment = isFragment(b);
            var sl = b.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
            d.startLevel = sl == null ? 0 : sl.getStartLevel();
            out.add(d);
        }
        return out;
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            default: return "UNINSTALLED";
        }
    }

    private LogAccess log() {
        if (log == null) {
            throw new ApiException(503, "the log is not available here (the platform provides LogAccess only with Logback)");
        }
        return log;
    }

    private AccessAdmin admin() {
        if (admin == null) {
            throw new ApiException(503, "token management is not available (no AccessAdmin service)");
        }
        return admin;
    }

    private String level(ApiCall call) {
        String l = call.query("level");
        if (l == null || l.isBlank()) {
            return null;
        }
        String u = l.trim().toUpperCase(java.util.Locale.ROOT);
        if (!LogAccess.LEVELS.contains(u)) {
            throw ApiException.badRequest("level=" + clean(l) + " is not one of " + String.join(", ", LogAccess.LEVELS));
        }
        return u;
    }

    private Object tail(ApiCall call) {
        int max = call.queryInt("max", 200, 1, MAX_LOG);
        String level = level(call);
        return log().tail(max, level, call.query("logger"));
    }

    private Object follow(ApiCall call) throws IOException {
        LogAccess la = log();
        String level = level(call);
        String logger = call.query("logger");
        long start = la.lastSeq();
        String last = call.lastEventId();
        if (last != null && !last.isBlank()) {
            try {
                start = Long.parseLong(last.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Last-Event-ID " + clean(last) + " is not a log sequence number");
            }
            if (start < 0) {
                throw ApiException.badRequest("Last-Event-ID must be 0 or more");
            }
        }
        SseStream sse = call.sse();
        long[] seq = {start};
        Runnable poll = () -> {
            long top = la.lastSeq();
            List<LogEntryDTO> es = la.entriesAfter(seq[0], 1000, level, logger);
            for (LogEntryDTO e : es) {
                if (!sse.send("log", String.valueOf(e.seq), e)) {
                    return;
                }
                seq[0] = e.seq;
            }
            if (es.size() < 1000) {
                // entries the filters left out still move the cursor
                seq[0] = Math.max(seq[0], top);
            }
        };
        poll.run();
        ScheduledFuture<?> f = Timer.TIMER.scheduleWithFixedDelay(poll, 250, 250, TimeUnit.MILLISECONDS);
        sse.onClose(() -> f.cancel(false));
        return sse;
    }

    private Object loggers(ApiCall call) {
        List<LoggerDTO> out = new ArrayList<>();
        log().levels().forEach((k, v) -> {
            LoggerDTO d = new LoggerDTO();
            d.logger = k;
            d.level = v;
            d.effectiveLevel = v;
            out.add(d);
        });
        return out;
    }

    private LoggerDTO logger(String name) {
        if (name.length() > 512) {
            throw ApiException.badRequest("a logger name has at most 512 characters");
        }
        LogAccess la = log();
        LoggerDTO d = new LoggerDTO();
        d.logger = name;
        d.level = la.levels().get(name);
        d.effectiveLevel = la.effectiveLevel(name);
        return d;
    }

    private Object setLevel(ApiCall call) throws IOException {
        String name = call.param("name");
        LevelChange c = call.body(LevelChange.class);
        String level = c.level == null || c.level.isBlank() ? null : c.level.trim();
        log().setLevel(name, level);
        return logger(name);
    }

    private static String clean(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
