/** Data transfer objects of the scheduler API: public fields, no logic. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.scheduler.api.dto;
