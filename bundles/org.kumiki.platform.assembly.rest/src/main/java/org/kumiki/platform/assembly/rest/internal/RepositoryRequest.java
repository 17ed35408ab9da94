package org.kumiki.platform.assembly.rest.internal;

/** Body of {@code POST /api/platform/repositories}. */
public class RepositoryRequest {
    /** An index.xml (or the folder holding it): a file, http or https URL or a plain path on the container's machine. */
    public String location;
}
