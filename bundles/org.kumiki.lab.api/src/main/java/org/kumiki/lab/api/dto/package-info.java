/** Data transfer objects of the lab API: public fields, no logic. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.lab.api.dto;
