package org.kumiki.inference.api;

/**
 * Event Admin topics and property names posted by the model repository when a model is
 * loaded, unloaded or fails to load.
 *
 * @since 1.2
 */
public final class InferenceTopics {
    private InferenceTopics() {
    }

    /** Prefix of every inference topic. */
    public static final String PREFIX = "org/kumiki/inference/";
    /** Every inference topic. */
    public static final String ALL = PREFIX + "*";
    /** A model version was loaded. */
    public static final String LOADED = PREFIX + "LOADED";
    /** A model (version) was unloaded. */
    public static final String UNLOADED = PREFIX + "UNLOADED";
    /** A model failed to load. */
    public static final String FAILED = PREFIX + "FAILED";

    /** The model name (String). */
    public static final String MODEL = "model";
    /** The model version (String), when known. */
    public static final String VERSION = "version";
    /** The execution provider in use (String), when known. */
    public static final String PROVIDER = "provider";
    /** Why it failed or was unloaded (String), when known. */
    public static final String REASON = "reason";
}
