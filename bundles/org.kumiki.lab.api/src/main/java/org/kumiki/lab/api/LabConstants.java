package org.kumiki.lab.api;

/** Service property names and document names. */
public final class LabConstants {
    private LabConstants() {
    }

    /** Device service property: unique name (String). */
    public static final String DEVICE_NAME = "lab.device.name";
    /** Device service property: kind, e.g. {@code motor}, {@code detector}, {@code temperature-controller}. */
    public static final String DEVICE_KIND = "lab.device.kind";
    /** Device service property: vendor or driver, e.g. {@code kumiki-sim}. */
    public static final String DEVICE_VENDOR = "lab.device.vendor";
    /** Device service property: where it stands, e.g. {@code bench-1}. */
    public static final String DEVICE_LOCATION = "lab.device.location";
    /** Device service property: String[] of capabilities ({@code readable}, {@code movable}, {@code triggerable}, {@code stoppable}, ...). */
    public static final String DEVICE_CAPABILITIES = "lab.device.capabilities";

    /** Event-model document names, as Bluesky passes them to callbacks. */
    public static final String START = "start";
    public static final String DESCRIPTOR = "descriptor";
    public static final String EVENT = "event";
    public static final String RESOURCE = "resource";
    public static final String DATUM = "datum";
    public static final String STOP = "stop";

    /** Event Admin topic prefix. */
    public static final String TOPIC_PREFIX = "org/kumiki/lab/";
}
