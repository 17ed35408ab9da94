package org.kumiki.platform.command.internal;

import org.kumiki.platform.text.TextTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.api.GpuMonitor;
import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The {@code kumiki} Gogo scope: status, hardware, gpus. */
@Component(service = Object.class)
@GogoCommand(scope = "kumiki", function = {"status", "hardware", "gpus"})
public class KumikiCommands {

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile HardwareProfile hardware;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile GpuMonitor gpuMonitor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile JournalFactory journals;

    @Activate
    public KumikiCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("Show every Kumiki bundle (version, state) and every Kumiki service (provider), grouped by domain, and the journal damage found since start")
    public String status(
            @Descriptor("show only this domain (e.g. platform, scheduler)") @Parameter(names = {"-d", "--domain"}, absentValue = "") String domain) {
        if (!domain.isEmpty() && !domain.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("invalid domain '" + domain + "': expected a lower-case name such as platform or scheduler");
        }
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String d = Format.domainOf(b.getSymbolicName());
            if (d != null && (domain.isEmpty() || d.equals(domain))) bundles.add(b);
        }
        bundles.sort(Comparator.comparing((Bundle b) -> Format.domainOf(b.getSymbolicName())).thenComparing(Bundle::getSymbolicName));
        TextTable bt = new TextTable("DOMAIN", "ID", "BUNDLE", "VERSION", "STATE");
        for (Bundle b : bundles) {
            bt.row(Format.domainOf(b.getSymbolicName()), b.getBundleId(), b.getSymbolicName(), b.getVersion(), state(b));
        }

        TextTable st = new TextTable("DOMAIN", "SERVICE", "ID", "PROVIDER");
        Map<String, List<String[]>> services = new TreeMap<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(null, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                String[] classes = (String[]) r.getProperty(Constants.OBJECTCLASS);
                Bundle provider = r.getBundle();
                if (classes == null || provider == null) continue;
                for (String c : classes) {
                    String d = Format.domainOf(c);
                    if (d == null || (!domain.isEmpty() && !d.equals(domain))) continue;
                    services.computeIfAbsent(d + " " + c, k -> new ArrayList<>()).add(new String[] {
                            d, c, String.valueOf(r.getProperty(Constants.SERVICE_ID)),
                            provider.getSymbolicName() + " [" + provider.getBundleId() + "]"});
                }
            }
        }
        services.values().forEach(rows -> rows.forEach(row -> st.row((Object[]) row)));

        // Gogo commands that Kumiki bundles register (scope:function), by provider
        TextTable ct = new TextTable("DOMAIN", "COMMANDS", "PROVIDER");
        if (refs != null) {
            List<String[]> rows = new ArrayList<>();
            for (ServiceReference<?> r : refs) {
                Object scope = r.getProperty("osgi.command.scope");
                Object fns = r.getProperty("osgi.command.function");
                Bundle provider = r.getBundle();
                String d = provider == null ? null : Format.domainOf(provider.getSymbolicName());
                if (scope == null || fns == null || d == null || (!domain.isEmpty() && !d.equals(domain))) continue;
                List<String> names = new ArrayList<>();
                for (String fn : fns instanceof String[] ? (String[]) fns : new String[] {fns.toString()}) names.add(scope + ":" + fn);
                rows.add(new String[] {d, String.join(" ", names), provider.getSymbolicName() + " [" + provider.getBundleId() + "]"});
            }
            rows.sort(Comparator.comparing((String[] x) -> x[0]).thenComparing(x -> x[1]));
            rows.forEach(row -> ct.row((Object[]) row));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Kumiki bundles: ").append(bt.size()).append('\n').append(bt);
        sb.append('\n').append("Kumiki services: ").append(st.size()).append('\n').append(st);
        sb.append('\n').append("Kumiki commands: ").append(ct.size()).append('\n').append(ct);
        if (domain.isEmpty() || domain.equals("inference") || domain.equals("platform")) sb.append('\n').append(httpStatus());
        JournalFactory jf = journals;
        if (jf != null && (domain.isEmpty() || domain.equals("platform"))) sb.append('\n').append(Format.journalDamage(jf.damage()));
        return sb.toString();
    }

    @Descriptor("Show this node's detected hardware next to what the site distribution declared")
    public String hardware() {
        HardwareProfile hw = hardware;
        if (hw == null) {
            throw new IllegalStateException("no HardwareProfile service: is bundle org.kumiki.platform installed and active?");
        }
        return Format.hardware(hw);
    }

    @Descriptor("Read live GPU telemetry (utilisation, memory, temperature, power)")
    public String gpus() {
        GpuMonitor m = gpuMonitor;
        if (m == null) {
            throw new IllegalStateException("no GpuMonitor service: this site runs no GPU monitor bundle (org.kumiki.platform.nvidia needs kumiki.hardware gpu.vendor=nvidia)");
        }
        return Format.samples(m.sample());
    }

    /** Whether the container's HTTP server (Felix Jetty, the OIP v2 endpoint) runs, and where. */
    String httpStatus() {
        boolean installed = false;
        boolean starting = false;
        int level = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.apache.felix.http.jetty")) {
                installed |= b.getState() == Bundle.ACTIVE;
                BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
                // deferred to the servers' start level (raised right after start-up), or starting now
                starting |= b.getState() == Bundle.STARTING
                        || (bsl != null && bsl.isPersistentlyStarted() && bsl.getStartLevel() > level && b.getState() != Bundle.UNINSTALLED);
            }
        }
        List<String> endpoints = new ArrayList<>();
        try {
            ServiceReference<?>[] rt = context.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (rt != null) {
                for (ServiceReference<?> r : rt) {
                    Object ep = r.getProperty("osgi.http.endpoint");
                    if (ep instanceof String[]) endpoints.addAll(Arrays.asList((String[]) ep));
                    else if (ep instanceof java.util.Collection) ((java.util.Collection<?>) ep).forEach(e -> endpoints.add(String.valueOf(e)));
                    else if (ep != null) endpoints.add(ep.toString());
                    if (ep == null || endpoints.isEmpty()) endpoints.add("(no endpoint published)");
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return Format.http(installed, starting, endpoints, context.getProperty("org.apache.felix.http.host"), context.getProperty("org.osgi.service.http.port"));
    }

    static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED:
                return b.getHeaders().get(Constants.FRAGMENT_HOST) != null ? "RESOLVED (fragment)" : "RESOLVED";
            case Bundle.INSTALLED: return "INSTALLED (unresolved)";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            default: return "UNINSTALLED";
        }
    }

    // visible for tests
    static List<String> functions() {
        return Arrays.asList(KumikiCommands.class.getAnnotation(GogoCommand.class).function());
    }
}
