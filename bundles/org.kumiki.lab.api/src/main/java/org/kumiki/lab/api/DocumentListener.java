package org.kumiki.lab.api;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives every document of every run, in order, as Bluesky callbacks do: register as a
 * whiteboard service or through {@link RunEngine#subscribe}. Each listener is called from its
 * own delivery thread; a slow listener slows only the run feeding it (bounded queue).
 */
@ConsumerType
public interface DocumentListener {

    /** @param name start, descriptor, event, resource, datum or stop; {@code doc} must not be modified */
    void document(String name, Map<String, Object> doc);
}
