package org.kumiki.platform.metrics.internal;

import org.kumiki.platform.api.http.HttpClients;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: every deployed domain's families and the JVM's, in the Prometheus text
 * format (or OpenMetrics when the scraper asks for it), written by the Prometheus client library.
 * Nothing is built before the first scrape: the domain collectors are activated, and the JVM
 * collectors registered, by it.
 * <p>
 * Loopback clients need nothing. Other clients are refused unless {@code allow.remote} is set, and
 * then need {@code Authorization: Bearer <token>} for a caller with at least the viewer role,
 * checked by the platform's {@link AccessControl}.
 */
@Component(service = Servlet.class, configurationPid = MetricsServlet.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardServletPattern("/metrics")
@Designate(ocd = MetricsServlet.Config.class)
public class MetricsServlet extends HttpServlet {

    public static final String PID = "org.kumiki.platform.metrics";
    static final String ACTION = "GET /metrics";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);

    @ObjectClassDefinition(name = "Kumiki Prometheus metrics", description = "/metrics for every domain and the JVM")
    public @interface Config {
        @AttributeDefinition(name = "Allow remote clients", description = "Serve scrapers that are not on the loopback interface; they must send a bearer token of a viewer (or higher) known to the platform's access control. Also set org.apache.felix.http.host")
        boolean allow_remote() default false;

        @AttributeDefinition(name = "JVM metrics", description = "Include the JVM's families (memory, GC, threads, classes, ...) from the client library's JVM instrumentation")
        boolean jvm() default true;
    }

    private volatile Config config;
    private volatile AccessControl access;
    /** Domain collectors: activated by the first scrape, not when the servlet starts. */
    private final Map<ComponentServiceObjects<DomainCollector>, DomainCollector> collectors = new ConcurrentHashMap<>();
    /** Domains whose last collection failed (logged once until they recover). */
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private volatile Scraper scraper;

    @Activate
    public MetricsServlet(Config config) {
        this.config = config;
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        this.scraper = null; // rebuilt (with or without the JVM families) by the next scrape
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setAccess(AccessControl a) {
        this.access = a;
    }

    void unsetAccess(AccessControl a) {
        if (this.access == a) {
            this.access = null;
        }
    }

    @Reference(service = DomainCollector.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCollector(ComponentServiceObjects<DomainCollector> c) {
        collectors.put(c, Unbound.INSTANCE);
    }

    void removeCollector(ComponentServiceObjects<DomainCollector> c) {
        DomainCollector d = collectors.remove(c);
        if (d != null && d != Unbound.INSTANCE) {
            try {
                c.ungetService(d);
            } catch (IllegalStateException | IllegalArgumentException e) {
                LOG.debug("collector {} already released: {}", d.domain(), e.toString());
            }
        }
    }

    /** Placeholder of a collector not asked for its service yet. */
    private enum Unbound implements DomainCollector {
        INSTANCE;

        @Override
        public String domain() {
            return "";
        }

        @Override
        public void collect(List<MetricSnapshot> out) {
        }
    }

    /** The parts built on the first scrape: the JVM registry and the format writers. */
    static final class Scraper {
        final PrometheusRegistry jvm;
        final ExpositionFormats formats;

        Scraper(boolean withJvm) {
            formats = ExpositionFormats.init();
            jvm = new PrometheusRegistry();
            if (withJvm) {
                JvmMetrics.builder().register(jvm);
            }
        }
    }

    private Scraper scraper() {
        Scraper s = scraper;
        if (s == null) {
            synchronized (this) {
                s = scraper;
                if (s == null) {
                    s = new Scraper(config.jvm());
                    scraper = s;
                }
            }
        }
        return s;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            // the request's body is not read: say the connection ends, or a keep-alive client may
            // send its next request on a connection the server is closing (seen as an empty reply)
            resp.setHeader("Connection", "close");
            plain(resp, 405, "method " + shorten(req.getMethod()) + " is not allowed on /metrics: use GET");
            return;
        }
        String refusal = refusal(req.getRemoteAddr(), req.getHeader("Authorization"), config, access);
        if (refusal != null) {
            int status = refusal.startsWith("401 ") ? 401 : refusal.startsWith("503 ") ? 503 : 403;
            if (status == 401) {
                resp.setHeader("WWW-Authenticate", "Bearer");
            }
            plain(resp, status, refusal.substring(4));
            return;
        }
        Scraper s = scraper();
        MetricSnapshots snapshots = scrape(s);
        ExpositionFormatWriter writer = s.formats.findWriter(req.getHeader("Accept"));
        if (!writer.getContentType().startsWith("text/") && !writer.getContentType().startsWith("application/openmetrics-text")) {
            writer = s.formats.getPrometheusTextFormatWriter(); // the protobuf format is not shipped
        }
        resp.setStatus(200);
        resp.setContentType(writer.getContentType());
        if (method.equals("HEAD")) {
            return;
        }
        try (OutputStream out = resp.getOutputStream()) {
            writer.write(out, snapshots);
        }
    }

    /** Every domain's families, the collectors' health and the JVM's. */
    MetricSnapshots scrape(Scraper s) {
        return scrape(s, activeCollectors());
    }

    /** The collectors bound now, each asked for its service (so activated) on its first scrape. */
    private List<DomainCollector> activeCollectors() {
        List<DomainCollector> active = new ArrayList<>();
        for (Map.Entry<ComponentServiceObjects<DomainCollector>, DomainCollector> e : collectors.entrySet()) {
            DomainCollector d = e.getValue();
            if (d == Unbound.INSTANCE) {
                try {
                    d = e.getKey().getService();
                } catch (RuntimeException ex) {
                    d = null;
                }
                if (d == null) {
                    continue; // going away
                }
                if (!collectors.replace(e.getKey(), Unbound.INSTANCE, d)) {
                    e.getKey().ungetService(d); // another scrape got it first, or it went away
                    d = collectors.get(e.getKey());
                    if (d == null || d == Unbound.INSTANCE) {
                        continue;
                    }
                }
            }
            active.add(d);
        }
        return active;
    }

    MetricSnapshots scrape(Scraper s, List<DomainCollector> collectors) {
        List<MetricSnapshot> all = new ArrayList<>();
        List<DomainCollector> active = new ArrayList<>(collectors);
        active.sort(Comparator.comparing(DomainCollector::domain));
        Families.Gauge up = new Families.Gauge("kumiki_metrics_collector_up", "1 when a domain's figures could be read at this scrape, 0 when reading them failed");
        for (DomainCollector d : active) {
            List<MetricSnapshot> mine = new ArrayList<>();
            boolean ok;
            try {
                d.collect(mine);
                ok = true;
            } catch (RuntimeException ex) {
                ok = false;
                if (failing.put(d.domain(), Boolean.TRUE) == null) {
                    LOG.warn("metrics of {} are left out until it answers again: {}", d.domain(), ex.toString());
                }
            }
            if (ok) {
                all.addAll(mine);
                if (failing.remove(d.domain()) != null) {
                    LOG.info("metrics of {} are back", d.domain());
                }
            }
            up.add(ok ? 1 : 0, "domain", d.domain());
        }
        all.add(up.build());
        for (MetricSnapshot m : s.jvm.scrape()) {
            all.add(m);
        }
        return new MetricSnapshots(all);
    }

    /**
     * Why a scrape is refused, as {@code "<status> <one line>"}, or null when it is allowed:
     * loopback always; others only with {@code allow.remote} and a viewer's bearer token.
     */
    static String refusal(String remoteAddr, String authorization, Config c, AccessControl access) {
        if (isLoopback(remoteAddr)) {
            return null;
        }
        if (!c.allow_remote()) {
            return "403 remote clients are not allowed (set allow.remote in " + PID + ")";
        }
        String token = bearerToken(authorization);
        if (token == null) {
            return "401 a bearer token is required for a client that is not on loopback";
        }
        if (access == null) {
            return "503 remote scrapes need the platform's access control service, which is not running";
        }
        Optional<Caller> caller = access.byToken(token, Caller.REST);
        if (caller.isEmpty()) {
            return "401 the bearer token is not valid";
        }
        Optional<String> no = access.check(caller.get(), Role.VIEWER, ACTION);
        return no.map(m -> "403 " + m).orElse(null);
    }

    /** The token of {@code Authorization: Bearer <token>} (scheme case-insensitive), or null. */
    static String bearerToken(String header) {
        return HttpClients.bearerToken(header);
    }

    static boolean isLoopback(String addr) {
        return HttpClients.isLoopback(addr);
    }

    private static String shorten(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 20 ? t.substring(0, 20) + "..." : t;
    }

    private static void plain(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
