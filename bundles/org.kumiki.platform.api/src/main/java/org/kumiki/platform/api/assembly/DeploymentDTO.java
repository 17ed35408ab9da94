package org.kumiki.platform.api.assembly;

import java.util.ArrayList;
import java.util.List;

/** One applied change, numbered from 1 (0 is the container before any change). */
public class DeploymentDTO {
    public int id;
    /** Epoch milliseconds. */
    public long time;
    /** {@code install}, {@code uninstall} or {@code rollback}. */
    public String action;
    /** What was asked for in this change. */
    public List<String> request = new ArrayList<>();
    /** The requests in effect after it (features and bundles asked for, not yet uninstalled). */
    public List<String> requested = new ArrayList<>();
    /** The resulting set of bundles installed by this service. */
    public List<BundleRefDTO> bundles = new ArrayList<>();
}
