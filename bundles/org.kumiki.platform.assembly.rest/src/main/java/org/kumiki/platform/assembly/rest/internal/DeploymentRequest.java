package org.kumiki.platform.assembly.rest.internal;

import java.util.List;

/** Body of {@code POST /api/platform/deployments}: one change, an install or an uninstall. */
public class DeploymentRequest {
    /** Features or bundles to install: {@code FEATURE} or {@code BSN}, optionally {@code ;version=RANGE}. */
    public List<String> install;
    /** Features or bundles (installed by the assembly service) to uninstall. */
    public List<String> uninstall;
    /** Uninstall even what other bundles need (the plan lists what stops). */
    public boolean force;
    /** Answer the plan without applying it. */
    public boolean dryRun;
}
