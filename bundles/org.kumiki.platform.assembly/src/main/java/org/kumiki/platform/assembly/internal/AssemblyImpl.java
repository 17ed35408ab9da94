package org.kumiki.platform.assembly.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.assembly.Assembly;
import org.kumiki.platform.api.assembly.AssemblyException;
import org.kumiki.platform.api.assembly.AssemblyException.Reason;
import org.kumiki.platform.api.assembly.BundleRefDTO;
import org.kumiki.platform.api.assembly.DeploymentDTO;
import org.kumiki.platform.api.assembly.FeatureDTO;
import org.kumiki.platform.api.assembly.PlanDTO;
import org.kumiki.platform.api.assembly.RepositoryDTO;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.resolver.Resolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@link Assembly} service. Activation only wires: the journal, the repositories and the
 * resolver are touched at the first call.
 */
@Component(service = Assembly.class)
public class AssemblyImpl implements Assembly {

    private static final Logger LOG = LoggerFactory.getLogger(AssemblyImpl.class);
    private static final String REPO_KEY = "repo/";
    private static final String DEPLOYMENT_KEY = "deployment/";

    private final BundleContext context;
    private final Installation installation;
    private final JournalFactory journals;
    private Planner planner;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private boolean loaded;
    private boolean deactivated;
    private Journal journal;
    private Path dir;
    private final Map<String, RepositoryDTO> repos = new LinkedHashMap<>();
    private final TreeMap<Integer, DeploymentDTO> deployments = new TreeMap<>();
    private int repoSeq;

    @Activate
    public AssemblyImpl(BundleContext context, @Reference Installation installation, @Reference JournalFactory journals) {
        this.context = context;
        this.installation = installation;
        this.journals = journals;
    }

    /**
     * The framework's own {@link Resolver} service (Felix registers it from the system bundle; it
     * declares no osgi.service capability, so it is looked up here rather than referenced).
     */
    private Planner planner() {
        if (planner == null) {
            ServiceReference<Resolver> ref = context.getServiceReference(Resolver.class);
            Resolver r = ref == null ? null : context.getService(ref);
            if (r == null) throw new AssemblyException(Reason.UNAVAILABLE, "the framework registers no org.osgi.service.resolver.Resolver service");
            planner = new Planner(r);
        }
        return planner;
    }

    @Deactivate
    synchronized void deactivate() {
        deactivated = true;
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("closing the assembly journal: {}", e.getMessage());
            }
            journal = null;
        }
    }

    // ---------------------------------------------------------------- state

    private void ensureLoaded() {
        if (deactivated) throw new AssemblyException(Reason.UNAVAILABLE, "the assembly service has stopped");
        if (loaded) return;
        dir = installation.stateDirectory("assembly");
        Map<String, byte[]> live = new LinkedHashMap<>();
        try {
            journal = journals.open(dir.resolve("journal"), live::put);
        } catch (IOException e) {
            throw new AssemblyException(Reason.UNAVAILABLE, "cannot open the assembly journal in " + dir + ": " + Index.oneLine(e.getMessage()));
        }
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            try {
                if (e.getKey().startsWith(REPO_KEY)) {
                    RepositoryDTO r = json.readValue(e.getValue(), RepositoryDTO.class);
                    repos.put(r.location, r);
                    repoSeq = Math.max(repoSeq, Integer.parseInt(e.getKey().substring(REPO_KEY.length())));
                } else if (e.getKey().startsWith(DEPLOYMENT_KEY)) {
                    DeploymentDTO d = json.readValue(e.getValue(), DeploymentDTO.class);
                    deployments.put(d.id, d);
                }
            } catch (IOException | NumberFormatException ex) {
                LOG.warn("assembly journal: record {} is unreadable and skipped: {}", e.getKey(), Index.oneLine(ex.getMessage()));
            }
        }
        if (!deployments.containsKey(0)) {
            DeploymentDTO zero = new DeploymentDTO();
            zero.id = 0;
            zero.action = "initial";
            zero.time = System.currentTimeMillis();
            deployments.put(0, zero);
            loaded = true;
            save(DEPLOYMENT_KEY + 0, zero);
        }
        loaded = true;
        verify();
    }

    /** After a restart: the managed bundles must be the last deployment's; repairs what it can, warns about the rest. */
    private void verify() {
        DeploymentDTO last = deployments.lastEntry().getValue();
        Map<String, Bundle> managed = managed();
        List<Bundle> reinstalled = new ArrayList<>();
        for (BundleRefDTO b : last.bundles) {
            Bundle have = managed.remove(b.symbolicName);
            if (have == null) {
                Path jar = cache().resolve(b.sha256 + ".jar");
                try {
                    if (!Files.isRegularFile(jar) || !Locations.sha256(jar).equals(b.sha256)) {
                        LOG.warn("deployment {}: {} {} is missing and its jar is not in {}", last.id, b.symbolicName, b.version, cache());
                        continue;
                    }
                    try (InputStream in = Files.newInputStream(jar)) {
                        reinstalled.add(context.installBundle(LOCATION_PREFIX + b.symbolicName, in));
                    }
                    LOG.warn("deployment {}: {} {} was missing from the framework and was installed again", last.id, b.symbolicName, b.version);
                } catch (IOException | BundleException e) {
                    LOG.warn("deployment {}: {} {} is missing and could not be installed again: {}", last.id, b.symbolicName, b.version,
                            Index.oneLine(e.getMessage()));
                }
            } else if (!have.getVersion().toString().equals(b.version)) {
                LOG.warn("deployment {}: {} is {} in the framework, {} in the record", last.id, b.symbolicName, have.getVersion(), b.version);
            }
        }
        for (Bundle extra : managed.values()) {
            LOG.warn("deployment {}: {} {} is installed but not in the record", last.id, extra.getSymbolicName(), extra.getVersion());
        }
        if (!reinstalled.isEmpty()) {
            fw().resolveBundles(reinstalled);
            for (Bundle b : reinstalled) startQuietly(b);
        }
    }

    private Path cache() {
        return dir.resolve("cache");
    }

    private FrameworkWiring fw() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }

    /** Bundles this service installed, by symbolic name. */
    private Map<String, Bundle> managed() {
        Map<String, Bundle> out = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith(LOCATION_PREFIX) && b.getState() != Bundle.UNINSTALLED) out.put(b.getSymbolicName(), b);
        }
        return out;
    }

    private void save(String key, Object value) {
        try {
            journal.put(key, json.writeValueAsBytes(value));
            journal.sync();
        } catch (IOException e) {
            throw new AssemblyException(Reason.UNAVAILABLE, "cannot write the assembly journal: " + Index.oneLine(e.getMessage()));
        }
    }

    // ---------------------------------------------------------------- repositories

    @Override
    public synchronized List<RepositoryDTO> repositories() {
        ensureLoaded();
        return new ArrayList<>(repos.values());
    }

    @Override
    public synchronized RepositoryDTO addRepository(String location) {
        ensureLoaded();
        URI uri;
        try {
            uri = Locations.indexUri(location, installation.home());
        } catch (IllegalArgumentException e) {
            throw new AssemblyException(Reason.BAD_INPUT, e.getMessage());
        }
        if (repos.containsKey(uri.toString())) throw new AssemblyException(Reason.CONFLICT, "repository " + uri + " is already added");
        List<Index> parts = read(uri);
        RepositoryDTO r = new RepositoryDTO();
        r.location = uri.toString();
        r.name = parts.get(0).name;
        r.increment = parts.get(0).increment;
        for (Index i : parts) {
            for (Index.Res res : i.resources) {
                if (res.isFeature()) r.features++;
                else if (res.hasContent()) r.bundles++;
            }
        }
        for (RepositoryDTO o : repos.values()) {
            if (o.name.equals(r.name)) r.name = r.name + "-" + (repoSeq + 1);
        }
        repoSeq++;
        save(REPO_KEY + repoSeq, r);
        repos.put(r.location, r);
        return r;
    }

    @Override
    public synchronized RepositoryDTO removeRepository(String nameOrLocation) {
        ensureLoaded();
        if (nameOrLocation == null || nameOrLocation.isBlank()) throw new AssemblyException(Reason.BAD_INPUT, "no repository given");
        RepositoryDTO found = null;
        for (RepositoryDTO r : repos.values()) {
            if (r.name.equals(nameOrLocation) || r.location.equals(nameOrLocation)) found = r;
        }
        if (found == null) {
            try {
                found = repos.get(Locations.indexUri(nameOrLocation, installation.home()).toString());
            } catch (IllegalArgumentException e) {
                // not a location either
            }
        }
        if (found == null) throw new AssemblyException(Reason.NOT_FOUND, "no repository named '" + Index.oneLine(nameOrLocation) + "' (kumiki:repos lists them)");
        // the key of this repository: replay order is the order they were added, keys are repo/<n>
        Map<String, byte[]> live = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        try {
            journals.read(dir.resolve("journal"), (k, v) -> live.put(k, v));
        } catch (IOException e) {
            throw new AssemblyException(Reason.UNAVAILABLE, "cannot read the assembly journal: " + Index.oneLine(e.getMessage()));
        }
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            if (!e.getKey().startsWith(REPO_KEY)) continue;
            try {
                if (found.location.equals(json.readValue(e.getValue(), RepositoryDTO.class).location)) keys.add(e.getKey());
            } catch (IOException ex) {
                // skipped
            }
        }
        for (String k : keys) journal.remove(k);
        try {
            journal.sync();
        } catch (IOException e) {
            throw new AssemblyException(Reason.UNAVAILABLE, "cannot write the assembly journal: " + Index.oneLine(e.getMessage()));
        }
        repos.remove(found.location);
        return found;
    }

    /** The index and its referrals (one level), each fully read and checked; one line on failure. */
    private List<Index> read(URI uri) {
        List<Index> out = new ArrayList<>();
        Index main = readOne(uri);
        out.add(main);
        for (String ref : main.referrals) {
            URI r;
            try {
                r = Locations.resolveInside(uri, ref, "repository " + uri + " referral");
            } catch (IllegalArgumentException e) {
                throw new AssemblyException(Reason.UNRESOLVABLE, e.getMessage());
            }
            out.add(readOne(r));
        }
        return out;
    }

    private static Index readOne(URI uri) {
        try (InputStream in = Locations.open(uri)) {
            return Index.parse(in, uri, "repository " + uri);
        } catch (IOException e) {
            throw new AssemblyException(Reason.UNREACHABLE, "repository " + uri + " is unreachable: " + Index.oneLine(e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new AssemblyException(Reason.UNRESOLVABLE, e.getMessage());
        }
    }

    /** Every resource of every repository, read now. */
    private List<Index.Res> resources() {
        if (repos.isEmpty()) throw new AssemblyException(Reason.CONFLICT, "no repository: add one with kumiki:repo-add URL|PATH");
        List<Index.Res> out = new ArrayList<>();
        for (RepositoryDTO r : repos.values()) {
            for (Index i : read(URI.create(r.location))) {
                for (Index.Res res : i.resources) {
                    res.repository = r.name;
                    out.add(res);
                }
            }
        }
        return out;
    }

    @Override
    public synchronized List<FeatureDTO> features() {
        ensureLoaded();
        List<FeatureDTO> out = new ArrayList<>();
        for (Index.Res r : resources()) {
            if (!r.isFeature()) continue;
            FeatureDTO f = new FeatureDTO();
            f.name = r.name;
            f.version = r.version.toString();
            f.description = r.description;
            f.repository = r.repository;
            f.requirements = new ArrayList<>();
            f.hardware = new ArrayList<>();
            for (Requirement q : r.getRequirements(null)) {
                String filter = q.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
                if (IdentityNamespace.IDENTITY_NAMESPACE.equals(q.getNamespace())) f.requirements.add(filter);
                else if (org.kumiki.platform.api.HardwareNamespace.NAMESPACE.equals(q.getNamespace())) f.hardware.add(filter);
            }
            out.add(f);
        }
        return out;
    }

    // ---------------------------------------------------------------- install

    @Override
    public synchronized PlanDTO install(List<String> requests, boolean dryRun) {
        ensureLoaded();
        if (requests == null || requests.isEmpty()) throw new AssemblyException(Reason.BAD_INPUT, "nothing to install: give FEATURE or BSN[;version=RANGE]");
        List<Planner.Request> parsed = new ArrayList<>();
        try {
            for (String s : requests) parsed.add(Planner.parse(s));
        } catch (IllegalArgumentException e) {
            throw new AssemblyException(Reason.BAD_INPUT, e.getMessage());
        }
        List<Index.Res> all = resources();
        long t0 = System.nanoTime();
        Planner.Result result;
        try {
            result = planner().plan(parsed, all, new FrameworkSite(context));
        } catch (Planner.HardwareUnmet e) {
            throw new AssemblyException(Reason.HARDWARE_UNMET, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new AssemblyException(Reason.UNRESOLVABLE, e.getMessage());
        }
        PlanDTO plan = new PlanDTO();
        plan.action = "install";
        plan.request.addAll(requests);
        plan.resolveMillis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Bundle> managed = managed();
        for (Index.Res r : result.install) {
            BundleRefDTO ref = ref(r.name, r.version.toString(), r.sha256);
            (managed.containsKey(r.name) ? plan.update : plan.install).add(ref);
            if (!r.isFragment()) plan.start.add(ref);
        }
        if (dryRun || result.install.isEmpty()) return plan;
        long t1 = System.nanoTime();
        // every jar fetched and checked before anything is installed
        Map<Index.Res, Path> jars = new LinkedHashMap<>();
        for (Index.Res r : result.install) {
            try {
                jars.put(r, Locations.fetch(r, cache()));
            } catch (Locations.DigestMismatch e) {
                throw new AssemblyException(Reason.TAMPERED, "refused, nothing installed: " + Index.oneLine(e.getMessage()));
            } catch (IOException e) {
                throw new AssemblyException(Reason.UNREACHABLE, "refused, nothing installed: " + Index.oneLine(e.getMessage()));
            }
        }
        List<Bundle> installed = new ArrayList<>();
        List<Bundle> updated = new ArrayList<>();
        List<Bundle> touched = new ArrayList<>();
        try {
            for (Map.Entry<Index.Res, Path> e : jars.entrySet()) {
                Index.Res r = e.getKey();
                try (InputStream in = Files.newInputStream(e.getValue())) {
                    Bundle existing = managed.get(r.name);
                    if (existing != null) {
                        existing.update(in);
                        updated.add(existing);
                        touched.add(existing);
                    } else {
                        Bundle b = context.installBundle(LOCATION_PREFIX + r.name, in);
                        installed.add(b);
                        touched.add(b);
                    }
                }
            }
            refresh(updated);
            fw().resolveBundles(touched);
            for (Bundle b : touched) {
                if (!isFragment(b)) b.start();
            }
        } catch (IOException | BundleException | RuntimeException e) {
            for (Bundle b : installed) {
                try {
                    b.uninstall();
                } catch (BundleException | IllegalStateException ex) {
                    LOG.warn("undo: cannot uninstall {}: {}", b.getSymbolicName(), ex.getMessage());
                }
            }
            refresh(installed);
            throw new AssemblyException(Reason.CONFLICT, "install failed, undone: " + Index.oneLine(e.getMessage()));
        }
        plan.applyMillis = (System.nanoTime() - t1) / 1_000_000;
        DeploymentDTO prev = deployments.lastEntry().getValue();
        Set<String> requested = new LinkedHashSet<>(prev.requested);
        for (Planner.Request p : parsed) {
            requested.removeIf(s -> Planner.parse(s).name.equals(p.name));
            requested.add(p.text);
        }
        Map<String, String> shas = new HashMap<>();
        for (Index.Res r : result.install) shas.put(r.name + " " + r.version, r.sha256);
        plan.deployment = record("install", requests, new ArrayList<>(requested), shas).id;
        plan.applied = true;
        return plan;
    }

    private DeploymentDTO record(String action, List<String> request, List<String> requested, Map<String, String> newShas) {
        DeploymentDTO prev = deployments.lastEntry().getValue();
        Map<String, String> shas = new HashMap<>();
        for (BundleRefDTO b : prev.bundles) shas.put(b.symbolicName + " " + b.version, b.sha256);
        shas.putAll(newShas);
        DeploymentDTO d = new DeploymentDTO();
        d.id = prev.id + 1;
        d.time = System.currentTimeMillis();
        d.action = action;
        d.request = new ArrayList<>(request);
        d.requested = requested;
        for (Bundle b : managed().values()) {
            String v = b.getVersion().toString();
            d.bundles.add(ref(b.getSymbolicName(), v, shas.get(b.getSymbolicName() + " " + v)));
        }
        save(DEPLOYMENT_KEY + d.id, d);
        deployments.put(d.id, d);
        return d;
    }

    private static BundleRefDTO ref(String bsn, String version, String sha) {
        BundleRefDTO r = new BundleRefDTO();
        r.symbolicName = bsn;
        r.version = version;
        r.sha256 = sha;
        return r;
    }

    private static BundleRefDTO ref(Bundle b) {
        return ref(b.getSymbolicName(), b.getVersion().toString(), null);
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision rev = b.adapt(BundleRevision.class);
        return rev != null && (rev.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private void startQuietly(Bundle b) {
        if (isFragment(b)) return;
        try {
            b.start();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("cannot start {}: {}", b.getSymbolicName(), Index.oneLine(e.getMessage()));
        }
    }

    /** Refreshes and waits for the framework to finish (at most a minute). */
    private void refresh(Collection<Bundle> bundles) {
        if (bundles.isEmpty()) return;
        CountDownLatch done = new CountDownLatch(1);
        fw().refreshBundles(bundles, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) done.countDown();
        });
        try {
            if (!done.await(60, TimeUnit.SECONDS)) LOG.warn("package refresh did not finish within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- uninstall

    @Override
    public synchronized PlanDTO uninstall(List<String> names, boolean force, boolean dryRun) {
        ensureLoaded();
        if (names == null || names.isEmpty()) throw new AssemblyException(Reason.BAD_INPUT, "nothing to uninstall: give FEATURE or BSN");
        Map<String, Bundle> managed = managed();
        DeploymentDTO prev = deployments.lastEntry().getValue();
        List<Index.Res> repo = null;
        Set<Bundle> remove = new LinkedHashSet<>();
        Set<String> gone = new LinkedHashSet<>();
        for (String raw : names) {
            String name;
            try {
                name = Planner.parse(raw).name;
            } catch (IllegalArgumentException e) {
                throw new AssemblyException(Reason.BAD_INPUT, e.getMessage());
            }
            gone.add(name);
            if (managed.containsKey(name)) {
                remove.add(managed.get(name));
                continue;
            }
            if (repo == null) repo = resourcesOrEmpty();
            List<Bundle> members = members(name, repo, managed);
            if (!members.isEmpty()) {
                remove.addAll(members);
                continue;
            }
            for (Bundle b : context.getBundles()) {
                if (name.equals(b.getSymbolicName())) {
                    throw new AssemblyException(Reason.CONFLICT, name + " belongs to the distribution, not to kumiki:install; it cannot be uninstalled here");
                }
            }
            throw new AssemblyException(Reason.CONFLICT, "'" + name + "' is not installed (kumiki:deployments shows what kumiki:install added)");
        }
        // what the remaining requests still ask for stays
        Set<Bundle> keep = new LinkedHashSet<>();
        List<String> requested = new ArrayList<>();
        for (String s : prev.requested) {
            String n = Planner.parse(s).name;
            if (gone.contains(n)) continue;
            requested.add(s);
            if (managed.containsKey(n)) keep.add(managed.get(n));
            else {
                if (repo == null) repo = resourcesOrEmpty();
                keep.addAll(members(n, repo, managed));
            }
        }
        // dependencies installed with them that nothing else uses go too
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Bundle b : managed.values()) {
                if (remove.contains(b) || keep.contains(b)) continue;
                List<Bundle> users = requirers(b);
                if (!users.isEmpty() && remove.containsAll(users)) {
                    remove.add(b);
                    grew = true;
                }
            }
        }
        Set<Bundle> needing = new LinkedHashSet<>();
        for (Bundle b : remove) {
            for (Bundle u : requirers(b)) if (!remove.contains(u)) needing.add(u);
        }
        PlanDTO plan = new PlanDTO();
        plan.action = "uninstall";
        plan.request.addAll(names);
        for (Bundle b : remove) plan.uninstall.add(ref(b));
        for (Bundle b : needing) plan.stop.add(ref(b));
        if (!needing.isEmpty() && !force) {
            List<String> n = new ArrayList<>();
            for (Bundle b : needing) n.add(b.getSymbolicName());
            List<String> r = new ArrayList<>();
            for (Bundle b : remove) r.add(b.getSymbolicName());
            throw new AssemblyException(Reason.CONFLICT, "refused: " + String.join(", ", n) + " need " + String.join(", ", r)
                    + " (--force uninstalls anyway and stops them)");
        }
        if (dryRun) return plan;
        long t1 = System.nanoTime();
        for (Bundle b : remove) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("cannot uninstall {}: {}", b.getSymbolicName(), e.getMessage());
            }
        }
        refresh(remove);
        plan.applyMillis = (System.nanoTime() - t1) / 1_000_000;
        plan.deployment = record("uninstall", names, requested, Map.of()).id;
        plan.applied = true;
        return plan;
    }

    private List<Index.Res> resourcesOrEmpty() {
        try {
            return resources();
        } catch (AssemblyException e) {
            LOG.info("uninstall without repository features: {}", e.getMessage());
            return List.of();
        }
    }

    /** Managed bundles matching the member requirements of the features named {@code name}. */
    private List<Bundle> members(String name, List<Index.Res> repo, Map<String, Bundle> managed) {
        List<Bundle> out = new ArrayList<>();
        for (Index.Res f : repo) {
            if (!f.isFeature() || !f.name.equals(name)) continue;
            for (Requirement q : f.getRequirements(IdentityNamespace.IDENTITY_NAMESPACE)) {
                String fs = q.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
                if (fs == null) continue;
                Filter filter;
                try {
                    filter = planner().filter(fs);
                } catch (IllegalArgumentException e) {
                    throw new AssemblyException(Reason.UNRESOLVABLE, "feature " + name + " in " + f.repository + ": " + e.getMessage());
                }
                for (Bundle b : managed.values()) {
                    BundleRevision rev = b.adapt(BundleRevision.class);
                    if (rev == null) continue;
                    for (Capability c : rev.getCapabilities(IdentityNamespace.IDENTITY_NAMESPACE)) {
                        if (filter.matches(c.getAttributes()) && !out.contains(b)) out.add(b);
                    }
                }
            }
        }
        return out;
    }

    /** Other bundles wired to {@code b} (packages, bundles, hosts, capabilities). */
    private static List<Bundle> requirers(Bundle b) {
        List<Bundle> out = new ArrayList<>();
        BundleWiring w = b.adapt(BundleWiring.class);
        if (w == null) return out;
        for (BundleWire wire : w.getProvidedWires(null)) {
            Bundle u = wire.getRequirer().getBundle();
            if (!u.equals(b) && !out.contains(u)) out.add(u);
        }
        return out;
    }

    // ---------------------------------------------------------------- deployments

    @Override
    public synchronized List<DeploymentDTO> deployments() {
        ensureLoaded();
        return new ArrayList<>(deployments.values());
    }

    @Override
    public synchronized PlanDTO rollback(int n, boolean dryRun) {
        ensureLoaded();
        int last = deployments.lastKey();
        DeploymentDTO target = deployments.get(n);
        if (target == null) throw new AssemblyException(Reason.NOT_FOUND, "no deployment " + n + ": deployments are 0 to " + last);
        Map<String, Bundle> managed = managed();
        Map<String, BundleRefDTO> want = new TreeMap<>();
        for (BundleRefDTO b : target.bundles) want.put(b.symbolicName, b);
        PlanDTO plan = new PlanDTO();
        plan.action = "rollback";
        plan.request.add("rollback " + n);
        List<Bundle> remove = new ArrayList<>();
        for (Bundle b : managed.values()) {
            BundleRefDTO w = want.get(b.getSymbolicName());
            if (w == null) {
                remove.add(b);
                plan.uninstall.add(ref(b));
            } else if (!w.version.equals(b.getVersion().toString())) {
                plan.update.add(w);
            }
        }
        Map<BundleRefDTO, Path> jars = new LinkedHashMap<>();
        for (BundleRefDTO w : want.values()) {
            Bundle have = managed.get(w.symbolicName);
            if (have != null && w.version.equals(have.getVersion().toString())) continue;
            if (have == null) plan.install.add(w);
            Path jar = dir.resolve("cache").resolve(w.sha256 + ".jar");
            try {
                if (w.sha256 == null || !Files.isRegularFile(jar) || !Locations.sha256(jar).equals(w.sha256)) {
                    throw new AssemblyException(Reason.CONFLICT, "cannot roll back to " + n + ": the jar of " + w.symbolicName + " " + w.version
                            + " is missing from " + cache() + " or altered");
                }
            } catch (IOException e) {
                throw new AssemblyException(Reason.CONFLICT, "cannot roll back to " + n + ": " + Index.oneLine(e.getMessage()));
            }
            jars.put(w, jar);
        }
        for (BundleRefDTO w : want.values()) plan.start.add(w);
        if (dryRun) return plan;
        long t1 = System.nanoTime();
        for (Bundle b : remove) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("cannot uninstall {}: {}", b.getSymbolicName(), e.getMessage());
            }
        }
        List<Bundle> touched = new ArrayList<>();
        try {
            for (Map.Entry<BundleRefDTO, Path> e : jars.entrySet()) {
                Bundle have = managed.get(e.getKey().symbolicName);
                try (InputStream in = Files.newInputStream(e.getValue())) {
                    if (have != null) {
                        have.update(in);
                        touched.add(have);
                    } else {
                        touched.add(context.installBundle(LOCATION_PREFIX + e.getKey().symbolicName, in));
                    }
                }
            }
        } catch (IOException | BundleException e) {
            throw new AssemblyException(Reason.CONFLICT, "rollback to " + n + " failed: " + Index.oneLine(e.getMessage()));
        }
        List<Bundle> refresh = new ArrayList<>(remove);
        refresh.addAll(touched);
        refresh(refresh);
        Map<String, Bundle> now = managed();
        fw().resolveBundles(now.values());
        for (Bundle b : now.values()) startQuietly(b);
        plan.applyMillis = (System.nanoTime() - t1) / 1_000_000;
        Map<String, String> shas = new HashMap<>();
        for (BundleRefDTO b : target.bundles) shas.put(b.symbolicName + " " + b.version, b.sha256);
        plan.deployment = record("rollback", plan.request, new ArrayList<>(target.requested), shas).id;
        plan.applied = true;
        return plan;
    }
}
