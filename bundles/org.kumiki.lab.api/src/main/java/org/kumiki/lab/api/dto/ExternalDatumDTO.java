package org.kumiki.lab.api.dto;

import java.util.Map;

/**
 * A reading whose data lives outside the event (a file): the engine emits a resource document
 * once per (spec, root, resourcePath) and run, a datum document per reading, and puts the
 * datum_id in the event, as event-model prescribes.
 */
public class ExternalDatumDTO {
    /** Format of the resource, naming a handler (e.g. {@code CSV_SPECTRUM}). */
    public String spec;
    /** The local, non-semantic part of the path (e.g. a mount point). */
    public String root;
    /** Path or URI of the resource, relative to root. */
    public String resourcePath;
    public Map<String, Object> resourceKwargs = Map.of();
    /** Arguments that pick this reading's data out of the resource. */
    public Map<String, Object> datumKwargs = Map.of();
}
