/** Data transfer objects of the quantum API: public fields, no logic. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.quantum.api.dto;
