package org.kumiki.platform.api.assembly;

import java.util.List;

/** A named, versioned set of requirements defined in a repository ({@code type=kumiki.feature}). */
public class FeatureDTO {
    public String name;
    public String version;
    public String description;
    /** Name of the repository that defines it. */
    public String repository;
    /** Member requirements, as their {@code osgi.identity} filters. */
    public List<String> requirements;
    /** {@code kumiki.hardware} filters the site must meet. */
    public List<String> hardware;
}
