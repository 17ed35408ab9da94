package org.kumiki.platform.assembly.internal;

import java.text.SimpleDateFormat;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.api.assembly.Assembly;
import org.kumiki.platform.api.assembly.BundleRefDTO;
import org.kumiki.platform.api.assembly.DeploymentDTO;
import org.kumiki.platform.api.assembly.FeatureDTO;
import org.kumiki.platform.api.assembly.PlanDTO;
import org.kumiki.platform.api.assembly.RepositoryDTO;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code kumiki:repos}, {@code features}, {@code install}, {@code uninstall}, {@code deployments}, {@code rollback}. */
@Component(service = Object.class)
@GogoCommand(scope = "kumiki", function = {"repos", "features", "install", "uninstall", "deployments", "rollback"})
public class AssemblyCommands {

    private final Assembly assembly;

    @Activate
    public AssemblyCommands(@Reference Assembly assembly) {
        this.assembly = assembly;
    }

    @Descriptor("List the bundle repositories added with kumiki:repo-add")
    public String repos() {
        return repos(assembly.repositories());
    }

    static String repos(List<RepositoryDTO> list) {
        TextTable t = new TextTable("NAME", "BUNDLES", "FEATURES", "INCREMENT", "LOCATION");
        for (RepositoryDTO r : list) t.row(r.name, r.bundles, r.features, r.increment, r.location);
        return list.isEmpty() ? "no repository (kumiki:repo-add URL|PATH adds one)" : t.toString();
    }

    @Descriptor("List the features of every repository (a name may appear once per hardware variant)")
    public String features() {
        List<FeatureDTO> list = assembly.features();
        TextTable t = new TextTable("FEATURE", "VERSION", "HARDWARE", "BUNDLES", "DESCRIPTION");
        for (FeatureDTO f : list) {
            t.row(f.name, f.version, f.hardware.isEmpty() ? "-" : String.join(" ", f.hardware), f.requirements.size(), f.description);
        }
        return list.isEmpty() ? "no feature in the repositories" : t.toString();
    }

    @Descriptor("Resolve features or bundles against the repositories, the installed bundles and this site's hardware; print the plan and apply it (quote a request with a version: 'BSN;version=[1.0,1.1)')")
    public String install(
            @Descriptor("only print the plan") @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("FEATURE or BSN[;version=RANGE], one or more") String... requests) {
        return plan(assembly.install(Arrays.asList(requests), dryRun));
    }

    @Descriptor("Uninstall features or bundles that kumiki:install added, with the dependencies nothing else uses; refused when other bundles need them")
    public String uninstall(
            @Descriptor("only print the plan") @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("uninstall even when other bundles need them (they stop)") @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("FEATURE or BSN, one or more") String... names) {
        return plan(assembly.uninstall(Arrays.asList(names), force, dryRun));
    }

    @Descriptor("List the deployments: each applied change, numbered, with its resulting set of bundles")
    public String deployments() {
        List<DeploymentDTO> list = assembly.deployments();
        TextTable t = new TextTable("N", "TIME (UTC)", "ACTION", "REQUEST", "BUNDLES", "IN EFFECT");
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        for (DeploymentDTO d : list) {
            t.row(d.id, f.format(new Date(d.time)), d.action, String.join(" ", d.request), d.bundles.size(), String.join(" ", d.requested));
        }
        return t.toString();
    }

    @Descriptor("Return to deployment N's set of bundles without restarting (recorded as a new deployment)")
    public String rollback(
            @Descriptor("only print the plan") @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("deployment number (kumiki:deployments)") String n) {
        int id;
        try {
            id = Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Index.oneLine(n) + "' is not a deployment number");
        }
        return plan(assembly.rollback(id, dryRun));
    }

    static String plan(PlanDTO p) {
        StringBuilder sb = new StringBuilder();
        sb.append("plan (").append(p.action).append(' ').append(String.join(" ", p.request)).append("):");
        boolean empty = p.install.isEmpty() && p.update.isEmpty() && p.uninstall.isEmpty();
        if (empty) sb.append(" nothing to do");
        sb.append('\n');
        line(sb, "uninstall", p.uninstall);
        line(sb, "install", p.install);
        line(sb, "update", p.update);
        line(sb, "start", empty ? List.of() : p.start);
        line(sb, "stop", p.stop);
        if (p.applied) {
            sb.append("applied as deployment ").append(p.deployment).append(" (resolve ").append(p.resolveMillis)
                    .append(" ms, fetch+install+start ").append(p.applyMillis).append(" ms)");
        } else {
            sb.append(empty ? "" : "dry run: nothing changed");
        }
        return sb.toString().stripTrailing();
    }

    private static void line(StringBuilder sb, String what, List<BundleRefDTO> refs) {
        for (BundleRefDTO r : refs) {
            sb.append("  ").append(String.format("%-9s", what)).append(' ').append(r.symbolicName).append(' ').append(r.version).append('\n');
        }
    }
}
