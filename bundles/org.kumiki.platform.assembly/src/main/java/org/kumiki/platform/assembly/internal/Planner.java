package org.kumiki.platform.assembly.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kumiki.platform.api.HardwareNamespace;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.resource.Wire;
import org.osgi.resource.Wiring;
import org.osgi.service.resolver.HostedCapability;
import org.osgi.service.resolver.ResolutionException;
import org.osgi.service.resolver.ResolveContext;
import org.osgi.service.resolver.Resolver;

/**
 * Turns install requests into the repository resources to install, with a real OSGi
 * {@link Resolver}: the context is the repositories' resources, the installed (resolved) bundles
 * with their wirings, and the system bundle's capabilities (which carry the site's
 * {@code kumiki.hardware}).
 */
public final class Planner {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern FILTER_ATTR = Pattern.compile("\\(\\s*([^=<>~()!&|\\s]+)\\s*[<>~]?=");

    /** The running container as the resolver sees it. */
    public interface Site {
        /** Resolved resources already in the framework (the system bundle first). */
        List<Resource> installed();

        /** Wirings of {@link #installed()}. */
        Map<Resource, Wiring> wirings();

        /** The site's {@code kumiki.hardware} capabilities. */
        List<Capability> hardware();
    }

    /** One parsed request: {@code NAME[;version=RANGE]}. */
    public static final class Request {
        public final String text;
        public final String name;
        public final VersionRange range;

        Request(String text, String name, VersionRange range) {
            this.text = text;
            this.name = name;
            this.range = range;
        }

        String filter(boolean feature) {
            String f = "(" + IdentityNamespace.IDENTITY_NAMESPACE + "=" + name + ")";
            if (range != null) f += range.toFilterString(IdentityNamespace.CAPABILITY_VERSION_ATTRIBUTE);
            if (feature) f += "(" + IdentityNamespace.CAPABILITY_TYPE_ATTRIBUTE + "=" + Index.FEATURE_TYPE + ")";
            return "(&" + f + ")";
        }
    }

    /** The outcome: repository bundles to install (dependencies first where it matters: fragments last). */
    /** A refusal because the site lacks the {@code kumiki.hardware} that a candidate needs; the message names it. */
    public static final class HardwareUnmet extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        HardwareUnmet(String message) {
            super(message);
        }
    }

    public static final class Result {
        public final List<Index.Res> install = new ArrayList<>();
        public final List<Index.Res> features = new ArrayList<>();
    }

    private final Resolver resolver;
    private final Map<String, Filter> filters = new ConcurrentHashMap<>();

    public Planner(Resolver resolver) {
        this.resolver = resolver;
    }

    /** Parses {@code NAME[;version=RANGE]}; bad input fails with one line. */
    public static Request parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty request");
        String t = text.trim();
        String name = t;
        VersionRange range = null;
        int semi = t.indexOf(';');
        if (semi >= 0) {
            name = t.substring(0, semi).trim();
            String rest = t.substring(semi + 1).trim();
            if (!rest.startsWith("version=")) {
                throw new IllegalArgumentException("request '" + Index.oneLine(t) + "': expected NAME;version=RANGE");
            }
            String r = rest.substring("version=".length()).trim();
            if (r.length() >= 2 && r.startsWith("\"") && r.endsWith("\"")) r = r.substring(1, r.length() - 1);
            try {
                range = VersionRange.valueOf(r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("request '" + Index.oneLine(t) + "': version range '" + Index.oneLine(r)
                        + "' does not parse (e.g. [1.0,1.1) or 1.2)");
            }
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("request '" + Index.oneLine(t) + "': '" + Index.oneLine(name)
                    + "' is not a feature or bundle name (letters, digits, '.', '-', '_')");
        }
        return new Request(t, name, range);
    }

    /** Resolves the requests; fails with one line naming what is missing. */
    public Result plan(List<Request> requests, List<Index.Res> repository, Site site) {
        List<Index.Res> repo = new ArrayList<>(repository);
        repo.sort(Comparator.comparing(Index.Res::name).thenComparing(Index.Res::version, Comparator.reverseOrder()));
        Index.Res root = new Index.Res();
        root.name = "request";
        root.version = Version.emptyVersion;
        root.type = "kumiki.request";
        Map<Requirement, Request> byReq = new LinkedHashMap<>();
        for (Request rq : requests) {
            boolean feature = repo.stream().anyMatch(r -> r.isFeature() && r.name.equals(rq.name));
            Map<String, String> dirs = new HashMap<>();
            dirs.put(Namespace.REQUIREMENT_FILTER_DIRECTIVE, rq.filter(feature));
            Index.Req req = new Index.Req(root, IdentityNamespace.IDENTITY_NAMESPACE, Map.of(), dirs);
            root.reqs.add(req);
            byReq.put(req, rq);
        }
        Ctx ctx = new Ctx(root, repo, site);
        for (Map.Entry<Requirement, Request> e : byReq.entrySet()) {
            List<Capability> cands = ctx.findProviders(e.getKey());
            Request rq = e.getValue();
            if (cands.isEmpty()) {
                boolean any = repo.stream().anyMatch(r -> r.name.equals(rq.name))
                        || site.installed().stream().anyMatch(r -> rq.name.equals(identity(r)));
                if (any) {
                    throw new IllegalArgumentException(rq.name + ": no version in " + rq.range + " in the repositories");
                }
                throw new IllegalArgumentException("unknown feature or bundle '" + rq.name + "' (kumiki:features lists the features)");
            }
            String problem = null;
            boolean someFit = false;
            for (Capability c : cands) {
                String p = hardwareProblem(c.getResource(), site.hardware());
                if (p == null) someFit = true;
                else if (problem == null) problem = p;
            }
            if (!someFit) throw new HardwareUnmet(problem);
        }
        Map<Resource, List<Wire>> wires;
        try {
            wires = resolver.resolve(ctx);
        } catch (ResolutionException e) {
            String hw = deepHardwareProblem(ctx, root, site);
            if (hw != null) throw new HardwareUnmet(hw);
            throw new IllegalArgumentException("cannot resolve " + String.join(" ", requests.stream().map(r -> r.text).toList())
                    + ": " + cause(e));
        }
        Result out = new Result();
        Set<Index.Res> seen = new HashSet<>();
        for (Resource r : wires.keySet()) {
            if (r instanceof Index.Res && r != root && seen.add((Index.Res) r)) {
                Index.Res res = (Index.Res) r;
                if (res.hasContent()) out.install.add(res);
                else if (res.isFeature()) out.features.add(res);
            }
        }
        out.install.sort(Comparator.comparing(Index.Res::isFragment).thenComparing(Index.Res::name));
        return out;
    }

    private static String cause(ResolutionException e) {
        String m = Index.oneLine(e.getMessage());
        int i = m.lastIndexOf("caused by: ");
        if (i >= 0) m = m.substring(i + "caused by: ".length());
        while (m.endsWith("]")) m = m.substring(0, m.length() - 1);
        return m.length() > 400 ? m.substring(0, 400) + "..." : m;
    }

    /** The first resource reachable from the request whose kumiki.hardware needs the site cannot meet. */
    private String deepHardwareProblem(Ctx ctx, Resource root, Site site) {
        Deque<Resource> todo = new ArrayDeque<>();
        Set<Resource> seen = new HashSet<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Resource r = todo.poll();
            if (!seen.add(r)) continue;
            String p = r == root ? null : hardwareProblem(r, site.hardware());
            if (p != null) return p;
            for (Requirement q : r.getRequirements(null)) {
                if (!ctx.isEffective(q) || HardwareNamespace.NAMESPACE.equals(q.getNamespace())
                        || Namespace.RESOLUTION_OPTIONAL.equals(q.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) continue;
                for (Capability c : ctx.findProviders(q)) {
                    if (c.getResource() instanceof Index.Res) todo.add(c.getResource());
                }
            }
        }
        return null;
    }

    /** A one-line reason when {@code r} needs kumiki.hardware the site lacks, else null. */
    public String hardwareProblem(Resource r, List<Capability> hw) {
        for (Requirement q : r.getRequirements(HardwareNamespace.NAMESPACE)) {
            String f = q.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
            if (f == null) {
                if (hw.isEmpty()) return describe(r) + " needs kumiki.hardware; this site declares none";
                continue;
            }
            Filter filter = filter(f);
            if (hw.stream().anyMatch(c -> filter.matches(c.getAttributes()))) continue;
            Set<String> names = new LinkedHashSet<>();
            Matcher m = FILTER_ATTR.matcher(f);
            while (m.find()) names.add(m.group(1));
            List<String> has = new ArrayList<>();
            for (String n : names) {
                Object v = hw.isEmpty() ? null : hw.get(0).getAttributes().get(n);
                has.add(n + "=" + (v == null ? "(none)" : v));
            }
            return describe(r) + " needs kumiki.hardware " + f + "; this site has "
                    + (hw.isEmpty() ? "no kumiki.hardware capability" : String.join(", ", has));
        }
        return null;
    }

    private static String describe(Resource r) {
        String id = identity(r);
        return id == null ? String.valueOf(r) : id;
    }

    static String identity(Resource r) {
        for (Capability c : r.getCapabilities(IdentityNamespace.IDENTITY_NAMESPACE)) {
            Object v = c.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE);
            if (v != null) return v.toString();
        }
        return null;
    }

    Filter filter(String f) {
        return filters.computeIfAbsent(f, s -> {
            try {
                return FrameworkUtil.createFilter(s);
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException("invalid filter '" + Index.oneLine(s) + "'");
            }
        });
    }

    private final class Ctx extends ResolveContext {
        private final Resource root;
        private final List<Index.Res> repo;
        private final Site site;
        /** Candidates in preference order (installed first, then the repositories, highest version first), by namespace and by name. */
        private final Map<String, List<Capability>> byNamespace = new HashMap<>();
        private final Map<String, Map<Object, List<Capability>>> byName = new HashMap<>();

        Ctx(Resource root, List<Index.Res> repo, Site site) {
            this.root = root;
            this.repo = repo;
            this.site = site;
            for (Resource r : site.installed()) add(r);
            for (Index.Res r : repo) add(r);
        }

        private void add(Resource r) {
            for (Capability c : r.getCapabilities(null)) {
                String ns = c.getNamespace();
                byNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(c);
                Object name = c.getAttributes().get(ns);
                if (name instanceof String) byName.computeIfAbsent(ns, k -> new HashMap<>()).computeIfAbsent(name, k -> new ArrayList<>()).add(c);
            }
        }

        @Override
        public Collection<Resource> getMandatoryResources() {
            return List.of(root);
        }

        @Override
        public List<Capability> findProviders(Requirement requirement) {
            String ns = requirement.getNamespace();
            String f = requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
            Filter filter;
            try {
                filter = f == null ? null : filter(f);
            } catch (IllegalArgumentException e) {
                return new ArrayList<>();
            }
            // most filters name the capability: (osgi.wiring.package=x), (osgi.identity=y)
            List<Capability> pool = null;
            if (f != null) {
                Matcher m = Pattern.compile("\\(" + Pattern.quote(ns) + "=([^()*\\\\]+)\\)").matcher(f);
                if (m.find() && !f.contains("(|") && !f.contains("(!(" + ns + "=")) {
                    pool = byName.getOrDefault(ns, Map.of()).getOrDefault(m.group(1), List.of());
                }
            }
            if (pool == null) pool = byNamespace.getOrDefault(ns, List.of());
            List<Capability> out = new ArrayList<>();
            for (Capability c : pool) if (matches(c, filter)) out.add(c);
            return out;
        }

        private boolean matches(Capability c, Filter filter) {
            String eff = c.getDirectives().get(Namespace.CAPABILITY_EFFECTIVE_DIRECTIVE);
            if (eff != null && !Namespace.EFFECTIVE_RESOLVE.equals(eff)) return false;
            return filter == null || filter.matches(c.getAttributes());
        }

        @Override
        public int insertHostedCapability(List<Capability> capabilities, HostedCapability hostedCapability) {
            capabilities.add(hostedCapability);
            return capabilities.size() - 1;
        }

        @Override
        public boolean isEffective(Requirement requirement) {
            String eff = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
            return eff == null || Namespace.EFFECTIVE_RESOLVE.equals(eff);
        }

        @Override
        public Map<Resource, Wiring> getWirings() {
            return Collections.unmodifiableMap(site.wirings());
        }
    }
}
