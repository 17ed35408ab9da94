package org.kumiki.platform.api.assembly;

import java.util.ArrayList;
import java.util.List;

/** What a change does: computed before anything is touched, then applied unless a dry run. */
public class PlanDTO {
    /** {@code install}, {@code uninstall} or {@code rollback}. */
    public String action;
    /** What was asked for. */
    public List<String> request = new ArrayList<>();
    public List<BundleRefDTO> install = new ArrayList<>();
    public List<BundleRefDTO> update = new ArrayList<>();
    public List<BundleRefDTO> uninstall = new ArrayList<>();
    /** Bundles started after the change. */
    public List<BundleRefDTO> start = new ArrayList<>();
    /** Installed bundles that stop because they need what is removed (forced uninstall). */
    public List<BundleRefDTO> stop = new ArrayList<>();
    /** Whether the plan was applied (false for a dry run or an empty plan). */
    public boolean applied;
    /** The deployment the change was recorded as (-1 when not applied). */
    public int deployment = -1;
    /** Milliseconds spent resolving. */
    public long resolveMillis;
    /** Milliseconds spent fetching, checking, installing and starting. */
    public long applyMillis;
}
