/** Data transfer objects of the platform API: public fields, no logic. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.platform.api.dto;
