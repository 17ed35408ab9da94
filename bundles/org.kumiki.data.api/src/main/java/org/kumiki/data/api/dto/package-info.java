/** Data transfer objects of the data API: public fields, no logic. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.data.api.dto;
