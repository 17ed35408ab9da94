package org.kumiki.platform.api.assembly;

/** One bundle of a plan or a deployment. */
public class BundleRefDTO {
    public String symbolicName;
    public String version;
    /** SHA-256 of the jar, lowercase hex (null for bundles this service did not install). */
    public String sha256;
}
