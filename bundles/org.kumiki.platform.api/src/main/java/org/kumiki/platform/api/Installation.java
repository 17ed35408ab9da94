package org.kumiki.platform.api;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where this Kumiki installation keeps its files: one home folder, one state folder with a
 * sub-folder per domain ({@code state/scheduler}, {@code state/data}, ...) and a log folder.
 */
@ProviderType
public interface Installation {

    /** Home folder of the installation (absolute). */
    Path home();

    /** Root of durable state (absolute). */
    Path stateRoot();

    /**
     * The state folder of one domain, created if missing.
     *
     * @param domain a lower-case domain name such as {@code scheduler}; letters, digits, '-' and '.' only
     * @throws IllegalArgumentException for an empty name or one that could escape the state root
     */
    Path stateDirectory(String domain);

    /** Folder for log files (absolute). */
    Path logDirectory();

    /**
     * The watched folder whose bundles and configurations are installed, updated and removed
     * while the container runs (absolute; created at activation).
     */
    Path deployDirectory();
}
