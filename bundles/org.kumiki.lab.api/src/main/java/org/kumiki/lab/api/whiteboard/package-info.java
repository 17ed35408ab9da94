/**
 * Rules for the lab whiteboard's service properties, for whoever tracks {@link org.kumiki.lab.api.Device}
 * services: {@link org.kumiki.lab.api.whiteboard.DeviceProperties}. A package of its own so that
 * {@code org.kumiki.lab.api}'s providers keep their import range.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.lab.api.whiteboard;
