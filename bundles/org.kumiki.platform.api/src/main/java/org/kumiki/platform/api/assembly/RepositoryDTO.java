package org.kumiki.platform.api.assembly;

/** A bundle repository. */
public class RepositoryDTO {
    /** The index's {@code name} attribute. */
    public String name;
    /** The index.xml URL as given (normalised). */
    public String location;
    /** The index's {@code increment}. */
    public long increment;
    /** Number of bundles (resources with content). */
    public int bundles;
    /** Number of features. */
    public int features;
}
