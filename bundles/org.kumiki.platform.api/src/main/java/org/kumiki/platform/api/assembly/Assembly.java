package org.kumiki.platform.api.assembly;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Grows and shrinks the running container from bundle repositories. Every failure is an
 * {@link AssemblyException} with a one-line message; a failed change leaves the running stack as
 * it was.
 */
@ProviderType
public interface Assembly {

    /** Location prefix of the bundles this service installs. */
    String LOCATION_PREFIX = "kumiki-assembly:";

    /** The repositories added, in the order they were added. */
    List<RepositoryDTO> repositories();

    /**
     * Adds a repository: an {@code index.xml} (or the folder holding it) given as a file, http or
     * https URL or a plain path. The index is read (and checked) now.
     */
    RepositoryDTO addRepository(String location);

    /** Removes a repository by its name or location; returns it. */
    RepositoryDTO removeRepository(String nameOrLocation);

    /** The features of every repository. */
    List<FeatureDTO> features();

    /**
     * Resolves requests ({@code FEATURE} or {@code BSN}, each optionally followed by
     * {@code ;version=RANGE}) against the repositories, the installed bundles and the site's
     * hardware, and applies the plan unless {@code dryRun}.
     */
    PlanDTO install(List<String> requests, boolean dryRun);

    /**
     * Uninstalls bundles this service installed (by symbolic name or feature name), with the
     * dependencies nobody else needs. Refuses when other installed bundles need them, unless
     * {@code force} (then the plan lists what stops).
     */
    PlanDTO uninstall(List<String> names, boolean force, boolean dryRun);

    /** Every deployment, oldest first; deployment 0 is the container before any change. */
    List<DeploymentDTO> deployments();

    /** Returns to deployment {@code n}'s set of bundles without restarting; records a new deployment. */
    PlanDTO rollback(int n, boolean dryRun);
}
