/**
 * Runtime assembly: bundle repositories (OSGi R5 indexes), features, install and uninstall
 * resolved against the site's {@code kumiki.hardware} capabilities, and numbered, reversible
 * deployments.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.platform.api.assembly;
