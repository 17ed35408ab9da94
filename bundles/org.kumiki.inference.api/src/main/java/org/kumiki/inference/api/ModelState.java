package org.kumiki.inference.api;

/**
 * The state of a model (version) in the repository index, as KServe v2's repository extension
 * names it ({@code READY}, {@code UNAVAILABLE}, {@code LOADING}).
 *
 * @since 1.2
 */
public enum ModelState {
    /** Loaded and serving. */
    READY,
    /** Not loaded, unloaded or failed to load; the status's reason says which. */
    UNAVAILABLE,
    /** Being loaded. */
    LOADING
}
