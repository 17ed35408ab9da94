/**
 * Kumiki platform contracts: the hardware profile of the node a container runs on, GPU
 * telemetry, the installation layout (home and per-domain state folders) and the
 * {@code kumiki.hardware} capability namespace that site distributions provide and
 * hardware-specific bundles require.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.platform.api;
