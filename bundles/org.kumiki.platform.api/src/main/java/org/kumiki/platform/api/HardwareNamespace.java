package org.kumiki.platform.api;

/**
 * The {@code kumiki.hardware} capability namespace.
 *
 * <p>A site distribution declares the hardware it runs on as a framework capability in
 * this namespace (in its bndrun, {@code -runsystemcapabilities}); a bundle that needs
 * particular hardware requires it, for example
 * {@code Require-Capability: kumiki.hardware;filter:="(gpu.vendor=nvidia)"}. The resolver
 * then leaves such a bundle out of a site without that hardware, and the framework refuses
 * to resolve it there at runtime.
 */
public final class HardwareNamespace {
    /** Namespace name. */
    public static final String NAMESPACE = "kumiki.hardware";
    /** CPU architecture: {@code x86_64} or {@code aarch64}. */
    public static final String ARCH = "arch";
    /** GPU vendor: {@code nvidia} or {@code none}. */
    public static final String GPU_VENDOR = "gpu.vendor";
    /** Number of GPUs per node (declare it as {@code gpu.count:Long=4}). */
    public static final String GPU_COUNT = "gpu.count";
    /** Whether the site has a Slurm controller reachable from this node: {@code "true"} or {@code "false"} (a String: Felix accepts no Boolean attributes). */
    public static final String SLURM = "slurm";
    /** Site name (String). */
    public static final String SITE = "site";

    /** Value of {@link #GPU_VENDOR} for NVIDIA GPUs. */
    public static final String VENDOR_NVIDIA = "nvidia";
    /** Value of {@link #GPU_VENDOR} when a site has no GPU. */
    public static final String VENDOR_NONE = "none";

    private HardwareNamespace() {}
}
