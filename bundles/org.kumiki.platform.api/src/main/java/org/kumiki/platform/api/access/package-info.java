/**
 * Who may do what, one model for every remote path (SSH console, REST, web console): three
 * {@link org.kumiki.platform.api.access.Role roles}, callers authenticated by bearer token or SSH
 * public key, and the role each Gogo command and REST endpoint needs. The platform provides the
 * {@link org.kumiki.platform.api.access.AccessControl} service; front-ends consult it and never
 * keep their own lists of users.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.platform.api.access;
